/**
 * Snapshots: unpacked layers, one directory per chain ID, each an overlay lowerdir.
 *
 * Terms: a snapshot is **committed** once snapshots/<chain hex>/ exists; it is created as snapshots/tmp-<random>/
 * (fs/ unpacked, synced to disk, meta.json written) and renamed into place in one step, so a crash leaves either no
 * snapshot or a complete one, plus perhaps a tmp-* directory that `init` removes. Removal renames to tmp-* first for
 * the same reason. Snapshots are shared: two images with the same bottom layers use the same chain IDs.
 */
import { spawn } from "node:child_process";
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm, stat } from "node:fs/promises";
import { join } from "node:path";
import { dataCorruption } from "../errors.js";
import type { Layout } from "../layout.js";
import { fsyncDir } from "../store/atomic-file.js";
import { isNoEntry } from "../store/content-store.js";
import { isDigest } from "../store/digest.js";
import { chainIdOf } from "./chain-id.js";
import { applyLayer } from "./layer-apply.js";

export interface SnapshotMeta {
  chainId: string;
  diffId: string;
  /** chain ID of the layer below, null for a bottom layer */
  parent: string | null;
  /** bytes of file content in this layer */
  size: number;
}

export interface UnpackRequest {
  /** digest of the blob being unpacked, for messages */
  digest: string;
  /** the diff ID the image config promises; the unpacked stream must hash to it */
  diffId: string;
  parent: string | null;
  warn?: (message: string) => void;
}

const TMP_PREFIX = "tmp-";

export class SnapshotStore {
  constructor(private readonly layout: Layout) {}

  /** Creates the directory and removes interrupted unpacks and removals. */
  async init(): Promise<void> {
    await mkdir(this.layout.snapshotsDir(), { recursive: true });
    for (const name of await readdir(this.layout.snapshotsDir())) {
      const dir = join(this.layout.snapshotsDir(), name);
      const committed = !name.startsWith(TMP_PREFIX) && (await exists(join(dir, "meta.json")));
      if (!committed) await rm(dir, { recursive: true, force: true });
    }
  }

  fsDir(chainId: string): string {
    return this.layout.snapshotFs(chainId);
  }

  async has(chainId: string): Promise<boolean> {
    return exists(this.layout.snapshotMeta(chainId));
  }

  async meta(chainId: string): Promise<SnapshotMeta> {
    return JSON.parse(await readFile(this.layout.snapshotMeta(chainId), "utf8")) as SnapshotMeta;
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.layout.snapshotsDir());
    return names.map((hex) => `sha256:${hex}`).filter(isDigest);
  }

  /**
   * Unpacks a layer blob into a new committed snapshot. DataCorruption when the layer is hostile or does not hash to
   * `req.diffId`; nothing is left behind then.
   */
  async unpack(blob: AsyncIterable<Uint8Array>, req: UnpackRequest): Promise<SnapshotMeta> {
    const tmp = join(this.layout.snapshotsDir(), `${TMP_PREFIX}${randomBytes(8).toString("hex")}`);
    try {
      const unpacked = await unpackLayer(blob, tmp, `layer ${req.digest}`, req.warn);
      return await this.adopt(unpacked, req);
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Commits a layer unpacked elsewhere on the data root's filesystem (see {@link unpackLayer}) as the snapshot on
   * `req.parent`, by renaming its directory into place. DataCorruption when it does not hash to `req.diffId`; the
   * directory is left to its owner then. Already committed (another image shares the chain): the directory is
   * removed and the committed one kept.
   */
  async adopt(unpacked: UnpackedLayer, req: UnpackRequest): Promise<SnapshotMeta> {
    const chainId = chainIdOf(req.parent, req.diffId);
    if (unpacked.diffId !== req.diffId) {
      throw dataCorruption(`layer ${req.digest}: diff ID mismatch: the layer unpacks to ${unpacked.diffId}, the image config says ${req.diffId}`);
    }
    const meta: SnapshotMeta = { chainId, diffId: req.diffId, parent: req.parent, size: unpacked.size };
    await syncFilesystem(unpacked.dir);
    const fh = await open(join(unpacked.dir, "meta.json"), "wx", 0o644);
    try {
      await fh.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
      await fh.sync();
    } finally {
      await fh.close();
    }
    try {
      await rename(unpacked.dir, this.layout.snapshotDir(chainId));
    } catch (err) {
      // Already committed by an earlier unpack of the same chain: keep that one.
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
      await rm(unpacked.dir, { recursive: true, force: true });
      return await this.meta(chainId);
    }
    await fsyncDir(this.layout.snapshotsDir());
    return meta;
  }

  /** Removes a snapshot; absent ones are fine. */
  async remove(chainId: string): Promise<void> {
    const doomed = join(this.layout.snapshotsDir(), `${TMP_PREFIX}${randomBytes(8).toString("hex")}`);
    try {
      await rename(this.layout.snapshotDir(chainId), doomed);
    } catch (err) {
      if (isNoEntry(err)) return;
      throw err;
    }
    await fsyncDir(this.layout.snapshotsDir());
    await rm(doomed, { recursive: true, force: true });
  }
}

/**
 * A layer unpacked into `dir/fs` but not (yet) a snapshot: made by {@link unpackLayer}, committed by
 * {@link SnapshotStore.adopt}. Its chain ID is not known here, only what the stream hashed to.
 */
export interface UnpackedLayer {
  dir: string;
  /** sha256 of the uncompressed tar stream */
  diffId: string;
  /** bytes of file content */
  size: number;
}

/** Unpacks `blob` into `dir/fs` (`dir` must not exist). On failure `dir` is left for the caller to remove. */
export async function unpackLayer(blob: AsyncIterable<Uint8Array>, dir: string, label: string,
  warn?: (message: string) => void): Promise<UnpackedLayer> {
  await mkdir(join(dir, "fs"), { recursive: true, mode: 0o755 });
  const applied = await applyLayer(blob, join(dir, "fs"), { label, warn });
  return { dir, diffId: applied.diffId, size: applied.size };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (err) {
    if (isNoEntry(err)) return false;
    throw err;
  }
}

/**
 * Flushes the unpacked files before the snapshot is committed. One syncfs(2) (coreutils `sync -f`) instead of an
 * fsync per file: a layer has thousands of files.
 */
function syncFilesystem(path: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn("sync", ["-f", path], { stdio: "ignore" });
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`sync -f ${path} exited with ${code}`))));
  });
}
