/**
 * `docker pull`: a manifest (or an index, from which the linux/amd64 manifest is picked), its config and its layers
 * are fetched from the registry into a private staging directory (tmp/pull-<random>/), each checked against its
 * digest as it arrives, then committed to the image store in one step (image-commit.ts), which moves the layers in
 * and the tag last. Layers are unpacked while they download (layer-download.ts), so the commit only renames. A
 * failure anywhere stores nothing: the staging directory is removed, and the store never saw a byte.
 *
 * Layers are downloaded in parallel, at most `maxConcurrentDownloads` at a time; a connection that breaks mid-blob is
 * resumed with a Range request when the registry allows it (206), restarted otherwise. Layers the store already
 * holds are not downloaded ("Already exists").
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import type { Logger } from "../../engine.js";
import { dataCorruption, invalidArgument } from "../../errors.js";
import type { Layout } from "../../layout.js";
import { digestOfHash, hexOf, isDigest, sha256Hasher } from "../../store/digest.js";
import type { ImageImport, StagedBlob } from "../../store/image-import.js";
import type { ImageStore } from "../../store/image-store.js";
import { familiarName, familiarString, formatReference, parseNamed, type Reference } from "../../store/reference.js";
import {
  DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, HOST_PLATFORM, OCI_INDEX, OCI_MANIFEST, isConfig, isIndex, isManifest,
} from "../media-types.js";
import { parseConfig, type Descriptor } from "../staging.js";
import { RegistryClient } from "./client.js";
import type { Credentials } from "./credentials.js";
import { downloadLayer, type DownloadedLayer } from "./layer-download.js";
import { mapLimit } from "./limit.js";
import { layerId, Progress, type ProgressSink } from "./progress.js";
import { RegistryError } from "./registry-error.js";
import { warmUnpackWorker } from "./unpack-worker-pool.js";
import type { Registries } from "./settings.js";

export const PULL_PREFIX = "pull-";
const ACCEPT = [OCI_INDEX, DOCKER_MANIFEST_LIST, OCI_MANIFEST, DOCKER_MANIFEST];
const MAX_CONFIG_BYTES = 8 << 20;

export interface PullRequest {
  /** `fromImage` as the client sent it */
  image: string;
  /** `tag`: a tag or a digest; defaults to `latest` */
  tag?: string;
  credentials: Credentials;
}

export interface PullDeps {
  layout: Layout;
  images: ImageStore;
  registries: Registries;
  log?: Logger;
}

interface ImageManifest {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
  manifests?: Descriptor[];
}

/** The reference a pull names: `fromImage` plus `tag` (which may be a digest), tag defaulting to `latest`. */
export function pullReference(image: string, tag?: string): Reference {
  const ref = parseNamed(image);
  if (tag) {
    if (ref.tag !== undefined || ref.digest !== undefined) throw invalidArgument(`invalid reference format: ${image} already names a tag or digest`);
    if (tag.includes(":")) {
      if (!isDigest(tag)) throw invalidArgument(`invalid reference format: unsupported digest ${tag}`);
      ref.digest = tag;
    } else {
      return parseNamed(`${image}:${tag}`);
    }
  }
  if (ref.tag === undefined && ref.digest === undefined) ref.tag = "latest";
  return ref;
}

export async function pullImage(deps: PullDeps, req: PullRequest, sink: ProgressSink): Promise<void> {
  const ref = pullReference(req.image, req.tag);
  const progress = new Progress(sink);
  const client = new RegistryClient(deps.registries, ref.domain, req.credentials, [`repository:${ref.path}:pull`], deps.log);
  const shown = familiarString(ref);
  const reference = ref.digest ?? (ref.tag as string);

  warmUnpackWorker();
  const resolved = await resolveManifest(client, ref, reference);
  progress.status(`Pulling from ${ref.path}`, reference);
  const { top, manifest } = resolved;
  // pulled by digest: the image is named `repo@digest`, which the store keeps as a repository digest, not a tag
  const name = formatReference(ref.tag !== undefined ? { domain: ref.domain, path: ref.path, tag: ref.tag }
    : { domain: ref.domain, path: ref.path, digest: top.digest });

  // Already here under this name with this manifest: nothing to fetch.
  const current = await deps.images.resolve(name).catch(() => undefined);
  if (current && current.manifestDigest === resolved.digest && current.repoDigests.includes(`${familiarName(ref)}@${top.digest}`)) {
    progress.status(`Digest: ${top.digest}`);
    progress.status(`Status: Image is up to date for ${shown}`);
    return;
  }

  const staging = join(deps.layout.tmpDir(), `${PULL_PREFIX}${randomBytes(8).toString("hex")}`);
  await mkdir(staging, { recursive: true, mode: 0o700 });
  try {
    const configBytes = await fetchSmallBlob(client, ref.path, manifest.config, "config");
    const { config, diffIds } = parseConfig(configBytes, manifest.config.digest, manifest.layers.length);
    if (config.os && config.os !== HOST_PLATFORM.os) throw invalidArgument(`image ${shown} is for ${config.os}, not ${HOST_PLATFORM.os}`);

    const layers = manifest.layers;
    const present = new Set<string>();
    for (const l of layers) if (await deps.images.hasBlob(checkDigest(l.digest, "layer"))) present.add(l.digest);
    const unique = [...new Map(layers.map((l) => [l.digest, l])).values()];
    const toFetch = unique.filter((l) => !present.has(l.digest));
    for (const l of unique) progress.status(present.has(l.digest) ? "Already exists" : "Pulling fs layer", layerId(l.digest));
    const { maxConcurrentDownloads } = deps.registries.options;
    toFetch.slice(maxConcurrentDownloads).forEach((l) => progress.status("Waiting", layerId(l.digest)));
    const downloads = await mapLimit(toFetch, maxConcurrentDownloads, (desc) => downloadLayer({
      client, repo: ref.path, desc, file: join(staging, hexOf(desc.digest)), progress, registries: deps.registries,
    }));
    const downloaded = new Map(toFetch.map((l, i) => [l.digest, downloads[i] as DownloadedLayer]));

    const image: ImageImport = {
      names: [name],
      manifest: bytesBlob(resolved.bytes, resolved.digest, resolved.mediaType),
      ...(top.digest !== resolved.digest ? { index: bytesBlob(top.bytes, top.digest, top.mediaType) } : {}),
      config: bytesBlob(configBytes, manifest.config.digest, manifest.config.mediaType ?? ""),
      imageConfig: config,
      layers: layers.map((l, i) => present.has(l.digest) ? storedBlob(deps.images, l)
        : fileBlob(downloaded.get(l.digest) as DownloadedLayer, l, layers.findIndex((o) => o.digest === l.digest) === i)),
      diffIds,
    };
    for (const l of toFetch) progress.status("Extracting", layerId(l.digest));
    await deps.images.importImages([image], () => {});
    for (const l of toFetch) progress.status("Pull complete", layerId(l.digest));
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
  progress.status(`Digest: ${top.digest}`);
  progress.status(`Status: Downloaded newer image for ${shown}`);
}

interface ResolvedManifest {
  /** what the tag or digest names: the image manifest, or an index */
  top: { bytes: Buffer; mediaType: string; digest: string };
  /** the image manifest (picked from the index for linux/amd64 when `top` is one), verified */
  bytes: Buffer;
  digest: string;
  mediaType: string;
  manifest: ImageManifest & { config: Descriptor; layers: Descriptor[] };
}

/** Fetches what `reference` names and follows an index to the host's image manifest; refuses anything else. */
async function resolveManifest(client: RegistryClient, ref: Reference, reference: string): Promise<ResolvedManifest> {
  const shown = familiarString(ref);
  let top;
  try {
    top = await client.getManifest(ref.path, reference, ACCEPT);
  } catch (err) {
    throw explainPullFailure(err, ref);
  }
  let { bytes, digest, mediaType } = top;
  if (isIndex(mediaType)) {
    const child = pickPlatform(parseManifest(bytes, digest), digest);
    const m = await client.getManifest(ref.path, child.digest, ACCEPT);
    if (child.size !== undefined && child.size !== m.bytes.length) {
      throw dataCorruption(`size mismatch for manifest ${child.digest}: expected ${child.size} bytes, got ${m.bytes.length}`);
    }
    ({ bytes, digest } = m);
    mediaType = m.mediaType || child.mediaType || "";
  }
  if (!isManifest(mediaType)) {
    throw invalidArgument(`unsupported manifest media type ${JSON.stringify(mediaType)} for ${shown}: ` +
      `hakod pulls OCI and Docker schema 2 images`);
  }
  const manifest = parseManifest(bytes, digest);
  if (!manifest.config || !Array.isArray(manifest.layers) || manifest.layers.length === 0) {
    throw invalidArgument(`manifest ${digest} of ${shown} has no config or no layers`);
  }
  if (!isConfig(manifest.config.mediaType)) {
    throw invalidArgument(`${shown} is not a container image (config media type ${manifest.config.mediaType})`);
  }
  return { top, bytes, digest, mediaType, manifest: manifest as ResolvedManifest["manifest"] };
}

/** Docker's wording for a pull the registry refuses: unknown repository, unknown tag, or no access. */
function explainPullFailure(err: unknown, ref: Reference): unknown {
  if (!(err instanceof RegistryError)) return err;
  const shown = familiarString(ref);
  if (err.code === "MANIFEST_UNKNOWN" || (err.status === 404 && err.code !== "NAME_UNKNOWN")) {
    return new RegistryError("NotFound", `manifest for ${shown} not found: ${err.message}`, err.status, err.code);
  }
  if (err.code === "NAME_UNKNOWN" || err.unauthorized || err.code === "DENIED") {
    return new RegistryError("NotFound", `pull access denied for ${familiarName(ref)}, repository does not exist or may require ` +
      `'docker login': ${err.message}`, err.status, err.code);
  }
  return err;
}

function parseManifest(bytes: Buffer, digest: string): ImageManifest {
  try {
    const m = JSON.parse(bytes.toString("utf8")) as ImageManifest;
    if (typeof m !== "object" || m === null) throw new Error("not an object");
    return m;
  } catch {
    throw dataCorruption(`manifest ${digest} is not valid JSON`);
  }
}

/** The host's manifest in an index (OCI image index or Docker manifest list). */
function pickPlatform(index: ImageManifest, digest: string): Descriptor {
  const list = index.manifests ?? [];
  const match = list.find((d) => d.platform?.os === HOST_PLATFORM.os && d.platform?.architecture === HOST_PLATFORM.architecture &&
    isManifest(d.mediaType ?? OCI_MANIFEST));
  if (!match) {
    const offered = list.map((d) => `${d.platform?.os ?? "?"}/${d.platform?.architecture ?? "?"}`).join(", ");
    throw new RegistryError("NotFound", `no matching manifest for ${HOST_PLATFORM.os}/${HOST_PLATFORM.architecture} in the manifest list entries ` +
      `(index ${digest} offers ${offered || "nothing"})`, 200);
  }
  checkDigest(match.digest, "manifest");
  return match;
}

function checkDigest(digest: unknown, role: string): string {
  if (typeof digest !== "string" || !isDigest(digest)) throw dataCorruption(`invalid ${role} digest ${JSON.stringify(digest)} in manifest`);
  return digest;
}

async function fetchSmallBlob(client: RegistryClient, repo: string, desc: Descriptor, role: string): Promise<Buffer> {
  const digest = checkDigest(desc.digest, role);
  if (desc.size !== undefined && desc.size > MAX_CONFIG_BYTES) throw invalidArgument(`${role} ${digest} is too large (${desc.size} bytes)`);
  const res = await client.getBlob(repo, digest, 0);
  const chunks: Buffer[] = [];
  const hash = sha256Hasher();
  let size = 0;
  for await (const c of res) {
    size += (c as Buffer).length;
    if (size > MAX_CONFIG_BYTES) {
      res.destroy();
      throw invalidArgument(`${role} ${digest} is too large`);
    }
    hash.update(c as Buffer);
    chunks.push(c as Buffer);
  }
  const actual = digestOfHash(hash);
  if (actual !== digest) throw dataCorruption(`digest mismatch for ${role} ${digest}: the registry sent content that hashes to ${actual}`);
  if (desc.size !== undefined && desc.size !== size) throw dataCorruption(`size mismatch for ${role} ${digest}: expected ${desc.size} bytes, got ${size}`);
  return Buffer.concat(chunks);
}

function bytesBlob(bytes: Buffer, digest: string, mediaType: string): StagedBlob {
  return { digest, mediaType, size: bytes.length, open: () => Readable.from([bytes]) };
}

/**
 * A downloaded layer, moved into the store rather than copied; its unpacked tree goes with the first occurrence of
 * the blob in the image (a repeated layer sits on another parent: the store unpacks that one itself).
 */
function fileBlob(layer: DownloadedLayer, desc: Descriptor, first: boolean): StagedBlob {
  const { file, unpacked } = layer;
  return {
    digest: desc.digest,
    mediaType: desc.mediaType ?? "",
    size: desc.size,
    open: () => createReadStream(file, { highWaterMark: 1 << 20 }),
    file,
    ...(first && unpacked ? { unpacked } : {}),
  };
}

/** A layer the store already holds: committed again from the store's own copy (verified again as it is written). */
function storedBlob(images: ImageStore, desc: Descriptor): StagedBlob {
  return {
    digest: desc.digest,
    mediaType: desc.mediaType ?? "",
    size: desc.size,
    open: () => Readable.from((async function* () {
      const { stream } = await images.openBlob(desc.digest);
      yield* stream;
    })()),
  };
}
