/**
 * What the image records keep alive. A blob or snapshot no record names is garbage: left by a crash between the
 * steps of a load or a remove, or by an image just removed. Records are written after the blobs and snapshots they
 * name and removed before them, so "unreferenced" never means "about to be used".
 */
import type { ImageRecord } from "./image-store.js";
import type { StoreParts } from "./store-parts.js";

export interface Referenced {
  blobs: Set<string>;
  snapshots: Set<string>;
}

export function referenced(records: readonly ImageRecord[]): Referenced {
  const blobs = new Set<string>();
  const snapshots = new Set<string>();
  for (const r of records) {
    blobs.add(r.manifestDigest);
    blobs.add(r.configDigest);
    for (const layer of r.layers) {
      blobs.add(layer.digest);
      snapshots.add(layer.chainId);
    }
  }
  return { blobs, snapshots };
}

/**
 * Removes those of the candidate blobs and snapshots (all of them when omitted) that no record references.
 * Returns the chain IDs of the removed snapshots.
 */
export async function removeUnreferenced(parts: StoreParts, candidates?: Referenced): Promise<string[]> {
  const keep = referenced(parts.records.all());
  // an index a name points at (image-import.ts) is kept as long as the name
  for (const [, target] of parts.refs.entries()) keep.blobs.add(target.manifestDigest);
  const blobs = candidates ? [...candidates.blobs] : await parts.content.list();
  const snapshots = candidates ? [...candidates.snapshots] : await parts.snapshots.list();
  const removed: string[] = [];
  // Snapshots first, top layers before the ones below, mirroring how they were made.
  for (const chainId of snapshots.reverse()) {
    if (keep.snapshots.has(chainId)) continue;
    await parts.snapshots.remove(chainId);
    removed.push(chainId);
  }
  for (const digest of blobs) if (!keep.blobs.has(digest)) await parts.content.delete(digest);
  return removed;
}
