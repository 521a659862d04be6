/**
 * `docker import`: a root filesystem tarball (plain or gzip) becomes a one-layer image. The upload is read once:
 * its uncompressed bytes are hashed (the diff ID) and gzip-compressed into a staged layer blob (hashed again: the
 * blob digest), in tmp/import-<random>/; then config and manifest are made and the image is committed like any other
 * (the store unpacks the layer and checks it against the diff ID). `changes` are applied to the config
 * (image-changes.ts); `message` becomes the history comment.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGzip } from "node:zlib";
import { invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import { openLayerStream } from "../snapshot/layer-stream.js";
import { digestOf, digestOfHash, sha256Hasher } from "../store/digest.js";
import type { ImageConfig, ImageStore } from "../store/image-store.js";
import { formatReference, parseNamed, parseTag } from "../store/reference.js";
import { applyChanges } from "./image-changes.js";
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, HOST_PLATFORM } from "./media-types.js";

export const IMPORT_PREFIX = "import-";

export interface ImportRequest {
  /** repository to tag the image with (optional) */
  repo?: string;
  tag?: string;
  message?: string;
  changes: string[];
  platform?: string;
}

/** Imports the tarball; returns the new image's ID. InvalidArgument when the upload is not a tar. */
export async function importRootfs(layout: Layout, images: ImageStore, source: Readable, req: ImportRequest): Promise<string> {
  const names: string[] = [];
  if (req.repo) {
    const ref = parseNamed(req.repo);
    if (ref.digest !== undefined) throw invalidArgument(`invalid reference format: ${req.repo}`);
    const tag = req.tag ? parseTag(req.tag) : (ref.tag ?? "latest");
    names.push(formatReference({ domain: ref.domain, path: ref.path, tag }));
  }
  if (req.platform && !["linux", "linux/amd64"].includes(req.platform)) {
    throw invalidArgument(`platform ${req.platform} is not supported: hakod runs linux/amd64 images`);
  }
  const runConfig = applyChanges({}, req.changes);

  const dir = join(layout.tmpDir(), `${IMPORT_PREFIX}${randomBytes(8).toString("hex")}`);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  try {
    const blobFile = join(dir, "layer.tar.gz");
    const diffHash = sha256Hasher();
    const blobHash = sha256Hasher();
    let plain: Readable;
    try {
      plain = await openLayerStream(source, "rootfs tarball");
    } catch (err) {
      source.resume();
      throw err;
    }
    let uncompressed = 0;
    await pipeline(
      plain,
      new Transform({ transform(chunk: Buffer, _e, cb) { diffHash.update(chunk); uncompressed += chunk.length; cb(null, chunk); } }),
      createGzip({ level: 1 }),
      new Transform({ transform(chunk: Buffer, _e, cb) { blobHash.update(chunk); cb(null, chunk); } }),
      createWriteStream(blobFile, { mode: 0o600 }),
    ).catch((err: unknown) => {
      throw invalidArgument(`invalid rootfs tarball: ${(err as Error).message}`);
    });
    if (uncompressed === 0) throw invalidArgument("invalid rootfs tarball: the upload is empty");
    const diffId = digestOfHash(diffHash);
    const layerDigest = digestOfHash(blobHash);
    const layerSize = (await stat(blobFile)).size;
    const created = new Date().toISOString();
    const config: ImageConfig = {
      architecture: HOST_PLATFORM.architecture,
      os: HOST_PLATFORM.os,
      created,
      config: runConfig,
      rootfs: { type: "layers", diff_ids: [diffId] },
      history: [{ created, created_by: "", comment: req.message || "Imported from -" }],
    };
    const configBytes = Buffer.from(JSON.stringify(config));
    const configDigest = digestOf(configBytes);
    const manifestBytes = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: configBytes.length, digest: configDigest },
      layers: [{ mediaType: DOCKER_LAYER_GZIP, size: layerSize, digest: layerDigest }],
    }));
    const bytes = (b: Buffer, digest: string, mediaType: string) => ({ digest, mediaType, size: b.length, open: () => Readable.from([b]) });
    await images.importImages([{
      names,
      manifest: bytes(manifestBytes, digestOf(manifestBytes), DOCKER_MANIFEST),
      config: bytes(configBytes, configDigest, DOCKER_CONFIG),
      imageConfig: config,
      layers: [{ digest: layerDigest, mediaType: DOCKER_LAYER_GZIP, size: layerSize, open: () => createReadStream(blobFile) }],
      diffIds: [diffId],
    }], () => {});
    return configDigest;
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

