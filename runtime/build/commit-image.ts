/**
 * Committing a build's final state as an image: its config blob (state.ts `configBytes`, so the image ID is the
 * state ID the build printed last), an OCI manifest naming the config and the layers' blobs, and the names (`-t`),
 * all through the image store's import path — the same all-or-nothing commit as `docker load`.
 */
import { Readable } from "node:stream";
import { digestOf } from "../store/digest.js";
import type { StagedBlob } from "../store/image-import.js";
import type { ImageConfig, ImageStore } from "../store/image-store.js";
import { configBytes, type BuildState } from "./state.js";

const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const CONFIG = "application/vnd.oci.image.config.v1+json";

/** Returns the image ID. `names` are normalised references (`docker.io/library/app:latest`). */
export async function commitBuiltImage(images: ImageStore, state: BuildState, names: string[]): Promise<string> {
  const config = configBytes(state);
  const configDigest = digestOf(config);
  const layers: StagedBlob[] = [];
  const descriptors: Array<{ mediaType: string; digest: string; size: number }> = [];
  for (const layer of state.layers) {
    const { size, stream } = await images.openBlob(layer.digest);
    stream.destroy();
    descriptors.push({ mediaType: layer.mediaType, digest: layer.digest, size });
    layers.push({
      digest: layer.digest,
      mediaType: layer.mediaType,
      size,
      open: () => Readable.from((async function* () {
        const blob = await images.openBlob(layer.digest);
        for await (const chunk of blob.stream) yield chunk as Buffer;
      })()),
    });
  }
  const manifest = Buffer.from(JSON.stringify({
    schemaVersion: 2,
    mediaType: MANIFEST,
    config: { mediaType: CONFIG, digest: configDigest, size: config.length },
    layers: descriptors,
  }));
  const staged = (bytes: Buffer, mediaType: string): StagedBlob =>
    ({ digest: digestOf(bytes), mediaType, size: bytes.length, open: () => Readable.from([bytes]) });
  await images.importImages([{
    names,
    manifest: staged(manifest, MANIFEST),
    config: staged(config, CONFIG),
    imageConfig: JSON.parse(config.toString("utf8")) as ImageConfig,
    layers,
    diffIds: state.layers.map((l) => l.diffId),
  }], () => undefined);
  return configDigest;
}
