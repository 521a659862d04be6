/**
 * What an image source (an archive today, a registry pull later) hands to the image store: one image's blobs,
 * staged outside the store and already checked against their digests by the reader, with the names to give it.
 *
 * The store commits an import in a fixed order — blobs, snapshots, image record, references — and rolls back what it
 * created when any step fails, so the store only ever holds whole images (see local-image-store.ts).
 */
import type { Readable } from "node:stream";
import type { UnpackedLayer } from "../snapshot/snapshot-store.js";
import type { ImageConfig } from "./image-store.js";

export interface StagedBlob {
  digest: string;
  mediaType: string;
  /** bytes, when the descriptor gave it */
  size?: number;
  /** a fresh stream of the staged bytes */
  open(): Readable;
  /**
   * a file holding exactly these bytes, already hashed against `digest` by the source, on the data root's
   * filesystem: the store moves it in (content-store.ts `adopt`) instead of copying and hashing it again
   */
  file?: string;
  /** for a layer: the source unpacked it already (a pull does, while downloading); the store renames it into place */
  unpacked?: UnpackedLayer;
}

export interface ImageImport {
  /** normalised references (`docker.io/library/busybox:1.38.0-glibc`) to point at the image; empty: untagged */
  names: string[];
  /** the image manifest (for a docker-archive, one synthesised from its manifest.json entry) */
  manifest: StagedBlob;
  /**
   * the index (or Docker manifest list) the manifest was picked from, when a registry served one: stored too, and
   * the names point at its digest, as the registry names the image by it (`RepoDigests`, `name@<index digest>`)
   */
  index?: StagedBlob;
  config: StagedBlob;
  /** the parsed config, read from the verified config blob */
  imageConfig: ImageConfig;
  /** layer blobs, bottom first, one per entry of imageConfig.rootfs.diff_ids */
  layers: StagedBlob[];
  diffIds: string[];
}

/** A source's staged images and the scratch space they live in. */
export interface StagedImages {
  images: ImageImport[];
  /** removes the scratch space; call when the import is over, committed or not */
  dispose(): Promise<void>;
}
