/**
 * Committing staged images into the store, all or nothing.
 *
 * Order: blobs (content store verifies each digest, or moves in a file the source verified) → snapshots (each layer
 * unpacked, or taken over unpacked from the source, and checked against its diff ID) → image records → references,
 * in one replacement of refs.json. Until the references move nothing a user sees has changed; if a step fails, the
 * blobs, snapshots and records this commit created are removed again. A crash midway leaves only unreferenced blobs
 * and snapshots, which the store's init() collects.
 */
import { dataCorruption } from "../errors.js";
import { chainIdOf } from "../snapshot/chain-id.js";
import { diffIdOf } from "../snapshot/layer-stream.js";
import { removeUnreferenced, type Referenced } from "./garbage.js";
import type { ImageImport, StagedBlob } from "./image-import.js";
import type { ImageRecord, LayerRecord, LoadProgress } from "./image-store.js";
import { familiarize } from "./reference.js";
import type { RefTarget } from "./refs.js";
import type { StoreParts } from "./store-parts.js";

/** Commits `images`; returns what was loaded, as `docker load` reports it (names, or IDs of untagged images). */
export async function commitImages(parts: StoreParts, images: ImageImport[], progress: LoadProgress): Promise<string[]> {
  const created: Referenced = { blobs: new Set(), snapshots: new Set() };
  const createdRecords: string[] = [];
  const names: Array<[string, RefTarget]> = [];
  const loaded: string[] = [];
  try {
    for (const image of images) {
      const record = await commitImage(parts, image, created, createdRecords, progress);
      const manifestDigest = image.index?.digest ?? record.manifestDigest;
      for (const name of image.names) names.push([name, { imageId: record.id, manifestDigest }]);
      if (image.names.length === 0) loaded.push(record.id);
      else loaded.push(...image.names.map(familiarize));
    }
    for (const [name, target] of names) {
      const old = parts.refs.get(name);
      if (old && old.imageId !== target.imageId) {
        progress(`The image ${familiarize(name)} already exists, renaming the old one with ID ${old.imageId} to empty string`);
      }
    }
    await parts.refs.update(names);
  } catch (err) {
    for (const id of createdRecords) await parts.records.delete(id);
    await removeUnreferenced(parts, created);
    throw err;
  }
  // Blobs this load brought that the kept record does not use (an image already present, loaded from another format).
  await removeUnreferenced(parts, created);
  for (const item of loaded) progress(item.startsWith("sha256:") ? `Loaded image ID: ${item}` : `Loaded image: ${item}`);
  return loaded;
}

async function commitImage(
  parts: StoreParts,
  image: ImageImport,
  created: Referenced,
  createdRecords: string[],
  progress: LoadProgress,
): Promise<ImageRecord> {
  const id = image.config.digest;
  await writeBlob(parts, image.manifest, "manifest", created);
  if (image.index) await writeBlob(parts, image.index, "index", created);
  await writeBlob(parts, image.config, "config", created);
  for (const layer of image.layers) await writeBlob(parts, layer, "layer", created);

  const layers: LayerRecord[] = [];
  let parent: string | null = null;
  for (const [i, blob] of image.layers.entries()) {
    const diffId = image.diffIds[i] as string;
    const chainId = chainIdOf(parent, diffId);
    let size: number;
    if (await parts.snapshots.has(chainId)) {
      if (blob.unpacked?.diffId !== diffId) await checkDiffId(parts, blob, diffId);
      size = (await parts.snapshots.meta(chainId)).size;
    } else if (blob.unpacked) {
      size = (await parts.snapshots.adopt(blob.unpacked, { digest: blob.digest, diffId, parent, warn: progress })).size;
      created.snapshots.add(chainId);
    } else {
      const stream = await parts.content.open(blob.digest);
      try {
        size = (await parts.snapshots.unpack(stream, { digest: blob.digest, diffId, parent, warn: progress })).size;
      } finally {
        stream.destroy();
      }
      created.snapshots.add(chainId);
    }
    layers.push({ diffId, chainId, digest: blob.digest, mediaType: blob.mediaType, size });
    parent = chainId;
  }

  const existing = parts.records.get(id);
  if (existing) return existing;
  const record: ImageRecord = {
    id,
    manifestDigest: image.manifest.digest,
    configDigest: image.config.digest,
    config: image.imageConfig,
    layers,
    size: layers.reduce((sum, l) => sum + l.size, 0),
    loadedAt: new Date().toISOString(),
  };
  await parts.records.put(record);
  createdRecords.push(id);
  return record;
}

async function writeBlob(parts: StoreParts, blob: StagedBlob, role: string, created: Referenced): Promise<void> {
  const expected = { digest: blob.digest, size: blob.size, role };
  const result = blob.file ? await parts.content.adopt(blob.file, expected) : await parts.content.write(blob.open(), expected);
  if (result.created) created.blobs.add(blob.digest);
}

/**
 * The snapshot exists already (shared with another image), but this blob must still be the layer the config says:
 * known when the blob is the uncompressed layer itself or another image recorded the same pair; hashed otherwise.
 */
async function checkDiffId(parts: StoreParts, blob: StagedBlob, diffId: string): Promise<void> {
  if (blob.digest === diffId) return;
  const known = parts.records.all().some((r) => r.layers.some((l) => l.digest === blob.digest && l.diffId === diffId));
  if (known) return;
  const stream = await parts.content.open(blob.digest);
  try {
    const actual = await diffIdOf(stream, `layer ${blob.digest}`);
    if (actual !== diffId) {
      throw dataCorruption(`layer ${blob.digest}: diff ID mismatch: the layer unpacks to ${actual}, the image config says ${diffId}`);
    }
  } finally {
    stream.destroy();
  }
}
