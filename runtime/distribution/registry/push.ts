/**
 * `docker push`: the layers, config and manifest of an image the store holds go to the registry under a tag, the
 * manifest last (a registry refuses a manifest whose blobs it lacks). The manifest goes up byte for byte as stored,
 * so the digest the registry reports is the one `docker images --digests` shows here.
 *
 * Per blob: HEAD first ("Layer already exists"); else a cross-repository mount from another repository of the same
 * registry that this store knows holds the blob ("Mounted from …"); else an upload, monolithic (one PUT) up to
 * `uploadChunkBytes`, chunked (PATCH with Content-Range, then PUT) above. Layers go up in parallel, at most
 * `maxConcurrentUploads` at a time; a failed upload is started again from scratch, with back-off.
 */
import type { Readable } from "node:stream";
import { Transform } from "node:stream";
import type { Logger } from "../../engine.js";
import { invalidArgument, notFound } from "../../errors.js";
import type { ImageStore, ImageWithNames } from "../../store/image-store.js";
import { familiarName, familiarString, formatReference, parseNamed, repositoryName, type Reference } from "../../store/reference.js";
import { OCI_MANIFEST } from "../media-types.js";
import { RegistryClient, RetryWithAuth } from "./client.js";
import type { Credentials } from "./credentials.js";
import { mapLimit } from "./limit.js";
import { layerId, Progress, type ProgressSink } from "./progress.js";
import { RegistryError } from "./registry-error.js";
import type { Registries } from "./settings.js";
import { sleep } from "./transport.js";

export interface PushRequest {
  /** the repository, as in the path of `POST /images/{name}/push` (a tag there is accepted too) */
  name: string;
  /** the tag to push; empty: every tag of the repository */
  tag?: string;
  credentials: Credentials;
}

export interface PushDeps {
  images: ImageStore;
  registries: Registries;
  log?: Logger;
}

interface BlobToPush {
  digest: string;
  size: number;
  /** shown with per-layer progress lines; configs are pushed silently */
  layer: boolean;
}

/** Pushes the tag (or every tag of the repository); returns the references pushed, familiar (`127.0.0.1:5000/x:v1`). */
export async function pushImage(deps: PushDeps, req: PushRequest, sink: ProgressSink): Promise<string[]> {
  const named = parseNamed(req.name);
  if (named.digest !== undefined) throw invalidArgument(`cannot push a digest reference (${req.name})`);
  const repo: Reference = { domain: named.domain, path: named.path };
  const tag = req.tag || named.tag;
  const all = await deps.images.list();
  const tags = tag ? [tag] : tagsOf(all, repo);
  if (tags.length === 0) throw notFound(`An image does not exist locally with the tag: ${familiarName(repo)}`);
  const images: Array<[string, ImageWithNames]> = [];
  for (const t of tags) {
    const ref = formatReference({ ...repo, tag: t });
    const image = await deps.images.resolve(ref).catch(() => {
      throw notFound(`An image does not exist locally with the tag: ${familiarName(repo)}:${t}`);
    });
    images.push([t, image]);
  }

  const progress = new Progress(sink);
  progress.status(`The push refers to repository [${familiarName(repo)}]`);
  // Other repositories of this registry that hold each layer, for cross-repository mounts.
  const mountSources = new Map<string, string>();
  for (const img of all) {
    for (const name of img.repoTags.map((t) => parseNamed(t))) {
      if (name.domain !== repo.domain || name.path === repo.path) continue;
      for (const l of img.layers) if (!mountSources.has(l.digest)) mountSources.set(l.digest, name.path);
    }
  }
  const scopes = [`repository:${repo.path}:pull,push`, ...[...new Set(mountSources.values())].map((p) => `repository:${p}:pull`)];
  const client = new RegistryClient(deps.registries, repo.domain, req.credentials, scopes, deps.log);

  for (const [t, image] of images) {
    const layers: BlobToPush[] = [];
    for (const l of image.layers) {
      if (!layers.some((x) => x.digest === l.digest)) layers.push({ digest: l.digest, size: (await deps.images.openBlob(l.digest).then(closeAndSize)), layer: true });
    }
    // Docker lists layers top first.
    const shownOrder = [...layers].reverse();
    for (const l of shownOrder) progress.status("Preparing", layerId(l.digest));
    const { maxConcurrentUploads } = deps.registries.options;
    shownOrder.slice(maxConcurrentUploads).forEach((l) => progress.status("Waiting", layerId(l.digest)));
    await mapLimit(shownOrder, maxConcurrentUploads, (l) => pushBlob(deps, client, repo, l, mountSources.get(l.digest), progress));
    const configSize = await deps.images.openBlob(image.configDigest).then(closeAndSize);
    await pushBlob(deps, client, repo, { digest: image.configDigest, size: configSize, layer: false }, undefined, progress);

    const manifest = await readBlob(deps.images, image.manifestDigest);
    const mediaType = (JSON.parse(manifest.toString("utf8")) as { mediaType?: string }).mediaType ?? OCI_MANIFEST;
    const reported = await client.putManifest(repo.path, t, manifest, mediaType);
    if (reported && reported !== image.manifestDigest) {
      throw new RegistryError("Internal", `the registry stored manifest ${image.manifestDigest} as ${reported}`, 201);
    }
    progress.status(`${t}: digest: ${image.manifestDigest} size: ${manifest.length}`);
    progress.aux({ Tag: t, Digest: image.manifestDigest, Size: manifest.length });
  }
  return tags.map((t) => familiarString({ ...repo, tag: t }));
}

function tagsOf(images: ImageWithNames[], repo: Reference): string[] {
  const want = repositoryName(repo);
  const tags: string[] = [];
  for (const img of images) {
    for (const t of img.repoTags) {
      const r = parseNamed(t);
      if (repositoryName(r) === want && r.tag) tags.push(r.tag);
    }
  }
  return tags.sort();
}

async function pushBlob(deps: PushDeps, client: RegistryClient, repo: Reference, blob: BlobToPush, mountFrom: string | undefined,
  progress: Progress): Promise<void> {
  const id = layerId(blob.digest);
  if (await client.hasBlob(repo.path, blob.digest)) {
    if (blob.layer) progress.status("Layer already exists", id);
    return;
  }
  const { attempts, retryDelayMs, uploadChunkBytes } = deps.registries.options;
  for (let attempt = 1; ; attempt++) {
    try {
      const location = await client.startUpload(repo.path, mountFrom ? { digest: blob.digest, from: mountFrom } : undefined);
      if (location === "mounted") {
        if (blob.layer) progress.status(`Mounted from ${mountFrom}`, id);
        return;
      }
      let sent = 0;
      // a chunk reads from its own offset, not through the chunks before it
      const counted = async (start: number, length: number): Promise<Readable> => {
        const { stream } = await deps.images.openBlob(blob.digest, start, start + length);
        return stream.pipe(countBytes(start, length, (n) => {
          sent = start + n;
          if (blob.layer) progress.bytes("Pushing", id, sent, blob.size);
        }));
      };
      if (blob.size <= uploadChunkBytes) {
        const body = await counted(0, blob.size);
        await client.putBlob(location, blob.digest, blob.size, () => body);
      } else {
        let at = location;
        for (let start = 0; start < blob.size; start += uploadChunkBytes) {
          const length = Math.min(uploadChunkBytes, blob.size - start);
          const body = await counted(start, length);
          at = await client.patchChunk(at, start, length, () => body);
        }
        await client.finishUpload(at, blob.digest);
      }
      if (blob.layer) {
        progress.bytes("Pushing", id, blob.size, blob.size, true);
        progress.status("Pushed", id);
      }
      return;
    } catch (err) {
      const retry = err instanceof RetryWithAuth || (err instanceof RegistryError && (err.status === 0 || err.status >= 500));
      if (retry && attempt < attempts) {
        deps.log?.debug("blob upload failed; starting it again", { digest: blob.digest, attempt, error: (err as Error).message });
        await sleep(retryDelayMs * 2 ** (attempt - 1));
        continue;
      }
      throw err;
    }
  }
}

/** Passes the first `length` bytes of a stream that begins at offset `start` through, counting them. */
function countBytes(start: number, length: number, onCount: (n: number) => void): Transform {
  let pos = start;
  let passed = 0;
  return new Transform({
    transform(chunk: Buffer, _enc, cb) {
      const from = Math.max(0, start - pos);
      const to = Math.min(chunk.length, start + length - pos);
      pos += chunk.length;
      if (to > from) {
        const part = from === 0 && to === chunk.length ? chunk : chunk.subarray(from, to);
        passed += part.length;
        onCount(passed);
        this.push(part);
      }
      cb();
    },
  });
}

async function closeAndSize(b: { size: number; stream: Readable }): Promise<number> {
  b.stream.destroy();
  return b.size;
}

async function readBlob(images: ImageStore, digest: string): Promise<Buffer> {
  const { stream } = await images.openBlob(digest);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}
