/**
 * The image store: what images hakod holds and the names that point at them.
 *
 * Terms:
 * - **blob**: content addressed by its digest ("sha256:<64 hex>"), verified before it becomes visible.
 * - **image ID**: the digest of the image's config blob (as Docker shows it in `docker images`).
 * - **manifest digest**: the digest of the image manifest; `RepoDigests` are `<repository>@<manifest digest>`.
 * - **reference**: a user-facing name. `busybox` normalises to `docker.io/library/busybox:latest`; the store keeps
 *   normalised names and shows them the way Docker does (`busybox:latest`, `127.0.0.1:5000/team/bb:v1`).
 * - **diff ID**: digest of a layer's uncompressed tar; **chain ID**: identity of a layer stacked on its parents
 *   (chainID(L0) = diffID(L0); chainID(Ln) = sha256(chainID(Ln-1) + " " + diffID(Ln))), keys the unpacked snapshot.
 *
 * Lifecycle: `load` verifies every blob, unpacks every layer into a snapshot, writes the image record and only then
 * points references at it, so a crash at any moment leaves either the old state or the new one. `remove` untags and
 * deletes an image no container uses.
 */
import type { Readable } from "node:stream";
import type { ImageImport } from "./image-import.js";

/** The runtime part of an image config (`config` in the OCI image config), with the fields hakod reads and the builder sets. */
export interface RunConfig {
  User?: string;
  Env?: string[];
  Entrypoint?: string[] | null;
  Cmd?: string[] | null;
  WorkingDir?: string;
  Labels?: Record<string, string> | null;
  ExposedPorts?: Record<string, object> | null;
  Volumes?: Record<string, object> | null;
  StopSignal?: string;
  Healthcheck?: { Test: string[]; Interval?: number; Timeout?: number; StartPeriod?: number; StartInterval?: number; Retries?: number };
  OnBuild?: string[] | null;
  Shell?: string[];
  ArgsEscaped?: boolean;
}

/** One entry of an image's history. */
export interface HistoryEntry {
  created?: string;
  created_by?: string;
  author?: string;
  comment?: string;
  empty_layer?: boolean;
}

/** The parts of the OCI image config hakod reads (field names as in the config JSON). */
export interface ImageConfig {
  architecture?: string;
  os?: string;
  created?: string;
  author?: string;
  config?: RunConfig;
  rootfs?: { type: string; diff_ids: string[] };
  history?: HistoryEntry[];
}

export interface LayerRecord {
  diffId: string;
  chainId: string;
  /** digest and media type of the (usually gzip-compressed) blob as it came in */
  digest: string;
  mediaType: string;
  /** uncompressed size in bytes */
  size: number;
}

export interface ImageRecord {
  id: string;
  manifestDigest: string;
  configDigest: string;
  config: ImageConfig;
  layers: LayerRecord[];
  /** sum of the uncompressed layer sizes */
  size: number;
  /** when the image came into this store, RFC 3339 */
  loadedAt: string;
}

export interface ImageWithNames extends ImageRecord {
  /** familiar names, e.g. ["busybox:1.38.0-glibc"] */
  repoTags: string[];
  /** e.g. ["busybox@sha256:…"] */
  repoDigests: string[];
}

export interface LoadProgress {
  /** a line for the user, e.g. "Loaded image: busybox:1.38.0-glibc" */
  (message: string): void;
}

export interface RemoveResult {
  untagged: string[];
  deleted: string[];
}

export interface ImageStore {
  /** Opens the store: creates directories, removes leftovers of interrupted writes. */
  init(): Promise<void>;
  /**
   * Finds an image by reference (name, name:tag, name@digest), full or short ID (≥ 4 hex digits, unambiguous).
   * Throws NotFound "No such image: <ref>".
   */
  resolve(ref: string): Promise<ImageWithNames>;
  list(): Promise<ImageWithNames[]>;
  /**
   * Loads an archive (OCI layout tar or docker-archive tar, optionally gzip/…: whatever `docker save` and `tar -C
   * layout -cf - .` produce). Returns the names (or IDs, for untagged images) loaded. Throws DataCorruption when a
   * blob does not match its digest or a layer is hostile, InvalidArgument when the archive is not one of the formats;
   * nothing is stored then.
   */
  load(archive: Readable, progress: LoadProgress): Promise<string[]>;
  /** Untags `ref` (or, given an ID, all its tags) and deletes the image when no name is left. */
  remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<RemoveResult>;
  /** Unpacked snapshot directories of an image, lowest layer first (overlay lowerdirs are given top first). */
  layerPaths(image: Pick<ImageRecord, "layers">): string[];
  /**
   * Adds a layer the builder made (runtime/build): stores the blob (a gzip tar file at `layer.path`, verified
   * against `layer.digest`) and unpacks it as the snapshot on `parent` (checked against `layer.diffId`). Until an
   * image record names it, it is garbage the next `init` may collect.
   */
  addLayer(layer: BuiltLayer, parent: string | null): Promise<LayerRecord>;
  /** Whether a layer's blob and snapshot are still present (a build cache entry may outlive them). */
  hasLayer(layer: LayerRecord): Promise<boolean>;
  /**
   * Points `target` (a reference; tag defaults to `latest`) at the image `source` names, as `docker tag` does; a
   * name that pointed at another image moves. NotFound when `source` names nothing.
   */
  tag(source: string, target: string): Promise<void>;
  /**
   * Set by the engine: which container uses an image, if any (then `remove` without force is a Conflict, and a
   * running container's image is never deleted). Returning `true` means "used" when the caller cannot say by which
   * container (error messages then lack the container ID).
   */
  setInUse(check: (imageId: string) => ImageUser | boolean | undefined): void;
  /**
   * Commits images another source staged and verified (a registry pull, `docker import`; see image-import.ts), all or
   * nothing, as `load` does. Returns what was stored, as `load` reports it.
   */
  importImages(images: ImageImport[], progress: LoadProgress): Promise<string[]>;
  /** Whether the content store holds the blob `digest`. */
  hasBlob(digest: string): Promise<boolean>;
  /** A stored blob's size and its bytes in [start, end) (default: all; push and save); NotFound when absent. */
  openBlob(digest: string, start?: number, end?: number): Promise<{ size: number; stream: Readable }>;
}

/** A layer tar the builder wrote (see snapshot/layer-diff.ts). */
export interface BuiltLayer {
  /** the gzip-compressed tar */
  path: string;
  digest: string;
  diffId: string;
}

/** A container that uses an image. */
export interface ImageUser {
  containerId: string;
  running: boolean;
}
