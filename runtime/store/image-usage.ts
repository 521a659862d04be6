/**
 * How images share layers, for `docker system df`: `layersSize` is the space all layers take (each layer once, keyed
 * by chain ID), and an image's **shared size** is the part of its layers that another image also uses (so removing
 * it alone would not free that part). Sizes are the uncompressed layer sizes the store recorded.
 */
import type { ImageRecord } from "./image-store.js";

export interface ImageUsage {
  layersSize: number;
  /** image ID → bytes of its layers that some other image uses too */
  sharedSize: Map<string, number>;
}

export function imageUsage(images: ImageRecord[]): ImageUsage {
  const users = new Map<string, number>();
  const sizes = new Map<string, number>();
  for (const img of images) {
    for (const chainId of new Set(img.layers.map((l) => l.chainId))) users.set(chainId, (users.get(chainId) ?? 0) + 1);
    for (const l of img.layers) sizes.set(l.chainId, l.size);
  }
  let layersSize = 0;
  for (const size of sizes.values()) layersSize += size;
  const sharedSize = new Map<string, number>();
  for (const img of images) {
    const seen = new Set<string>();
    let shared = 0;
    for (const l of img.layers) {
      if (seen.has(l.chainId)) continue;
      seen.add(l.chainId);
      if ((users.get(l.chainId) ?? 0) > 1) shared += l.size;
    }
    sharedSize.set(img.id, shared);
  }
  return { layersSize, sharedSize };
}
