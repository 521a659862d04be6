/**
 * `docker save`: images into one tar, in the shape Docker 25+ writes — an OCI image layout (`oci-layout`,
 * `index.json`, `blobs/sha256/…`) that is also a docker-archive (`manifest.json` naming the same blobs), so both
 * `docker load` of any version and OCI tools read it. Blobs go out byte for byte as stored (layers stay compressed
 * as they were pulled or loaded), so manifest digests survive a save/load round trip.
 *
 * Which images and names: a name with a tag (`busybox:1.38.0-glibc`) saves that image under that name; a repository
 * alone (`busybox`) saves every tag of it; an ID saves the image without names.
 */
import { PassThrough, type Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { pack as tarPack } from "tar-stream";
import { notFound } from "../errors.js";
import { hexOf } from "../store/digest.js";
import type { ImageStore, ImageWithNames } from "../store/image-store.js";
import { familiarize, formatReference, parseNamed, repositoryName } from "../store/reference.js";
import { OCI_INDEX, OCI_MANIFEST } from "./media-types.js";

const CONTAINERD_NAME = "io.containerd.image.name";
const OCI_REF_NAME = "org.opencontainers.image.ref.name";

interface SavedImage {
  image: ImageWithNames;
  /** normalised names to record (may be empty) */
  names: string[];
}

/** Resolves what `names` select; NotFound (before anything is written) for a name that selects nothing. */
export async function selectImages(store: ImageStore, names: string[]): Promise<SavedImage[]> {
  const out = new Map<string, SavedImage>();
  const add = (image: ImageWithNames, name?: string) => {
    const entry = out.get(image.id) ?? { image, names: [] };
    if (name && !entry.names.includes(name)) entry.names.push(name);
    out.set(image.id, entry);
  };
  const all = await store.list();
  for (const name of names) {
    if (/^(?:sha256:)?[a-f0-9]{4,64}$/.test(name)) {
      const byId = await store.resolve(name).catch(() => undefined);
      if (byId && byId.id.startsWith(name.startsWith("sha256:") ? name : `sha256:${name}`)) {
        add(byId);
        continue;
      }
    }
    const ref = parseNamed(name);
    if (ref.tag === undefined && ref.digest === undefined) {
      const repo = repositoryName(ref);
      const tagged = all.flatMap((img) => img.repoTags.map((t) => [img, parseNamed(t)] as const))
        .filter(([, r]) => repositoryName(r) === repo);
      if (tagged.length > 0) {
        for (const [img, r] of tagged) add(img, formatReference(r));
        continue;
      }
    }
    const image = await store.resolve(name).catch(() => {
      throw notFound(`No such image: ${name}`);
    });
    add(image, ref.tag !== undefined ? formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag }) : undefined);
  }
  return [...out.values()];
}

/** The archive as a stream; the caller has already selected (and so checked) the images. */
export function saveArchive(store: ImageStore, images: SavedImage[]): Readable {
  const pack = tarPack();
  const out = new PassThrough();
  pack.pipe(out);
  // a reader that goes away (the client hung up) stops the writing, so no blob stays open waiting for it
  out.on("close", () => pack.destroy());
  void write(store, images, pack).catch((err: unknown) => out.destroy(err as Error));
  return out;
}

async function write(store: ImageStore, images: SavedImage[], pack: ReturnType<typeof tarPack>): Promise<void> {
  const mtime = new Date(0);
  const written = new Set<string>();
  const blob = async (digest: string): Promise<void> => {
    if (written.has(digest)) return;
    written.add(digest);
    const { size, stream } = await store.openBlob(digest);
    const entry = pack.entry({ name: `blobs/sha256/${hexOf(digest)}`, size, mode: 0o644, mtime });
    await pipeline(stream, entry);
  };
  const small = (name: string, text: string): void => {
    pack.entry({ name, mode: 0o644, mtime }, text);
  };

  pack.entry({ name: "blobs", type: "directory", mode: 0o755, mtime });
  pack.entry({ name: "blobs/sha256", type: "directory", mode: 0o755, mtime });
  const indexEntries: object[] = [];
  const manifestJson: object[] = [];
  for (const { image, names } of images) {
    for (const l of image.layers) await blob(l.digest);
    await blob(image.configDigest);
    await blob(image.manifestDigest);
    const { size, stream } = await store.openBlob(image.manifestDigest);
    stream.destroy();
    const desc = { mediaType: await manifestMediaType(store, image.manifestDigest), digest: image.manifestDigest, size };
    if (names.length === 0) indexEntries.push(desc);
    for (const name of names) {
      indexEntries.push({ ...desc, annotations: { [CONTAINERD_NAME]: name, [OCI_REF_NAME]: parseNamed(name).tag ?? "latest" } });
    }
    manifestJson.push({
      Config: `blobs/sha256/${hexOf(image.configDigest)}`,
      RepoTags: names.map(familiarize),
      Layers: image.layers.map((l) => `blobs/sha256/${hexOf(l.digest)}`),
    });
  }
  small("index.json", `${JSON.stringify({ schemaVersion: 2, mediaType: OCI_INDEX, manifests: indexEntries })}\n`);
  small("manifest.json", `${JSON.stringify(manifestJson)}\n`);
  small("oci-layout", `${JSON.stringify({ imageLayoutVersion: "1.0.0" })}\n`);
  pack.finalize();
}

async function manifestMediaType(store: ImageStore, digest: string): Promise<string> {
  const { stream } = await store.openBlob(digest);
  const chunks: Buffer[] = [];
  for await (const c of stream) chunks.push(c as Buffer);
  try {
    return (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { mediaType?: string }).mediaType ?? OCI_MANIFEST;
  } catch {
    return OCI_MANIFEST;
  }
}
