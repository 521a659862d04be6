/**
 * Adding one built layer (runtime/build) to the store: the blob into the content store (verified against its
 * digest), then the snapshot on its parent (verified against its diff ID) unless that chain is unpacked already.
 * Nothing names the layer yet: an image record made by `commit` will, and until then `init` may collect it.
 */
import { createReadStream } from "node:fs";
import { chainIdOf } from "../snapshot/chain-id.js";
import type { BuiltLayer, LayerRecord } from "./image-store.js";
import type { StoreParts } from "./store-parts.js";

export const LAYER_MEDIA_TYPE = "application/vnd.oci.image.layer.v1.tar+gzip";

export async function addBuiltLayer(parts: StoreParts, layer: BuiltLayer, parent: string | null): Promise<LayerRecord> {
  // 1 MiB reads: fewer system calls, and fewer hand-offs to the decompressor's thread when unpacking
  await parts.content.write(createReadStream(layer.path, { highWaterMark: 1 << 20 }), { digest: layer.digest, role: "layer" });
  const chainId = chainIdOf(parent, layer.diffId);
  let size: number;
  if (await parts.snapshots.has(chainId)) {
    size = (await parts.snapshots.meta(chainId)).size;
  } else {
    const stream = createReadStream(layer.path, { highWaterMark: 1 << 20 });
    try {
      size = (await parts.snapshots.unpack(stream, { digest: layer.digest, diffId: layer.diffId, parent })).size;
    } finally {
      stream.destroy();
    }
  }
  return { diffId: layer.diffId, chainId, digest: layer.digest, mediaType: LAYER_MEDIA_TYPE, size };
}
