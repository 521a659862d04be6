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
    const chainId = chainIdOf(req.parent, req.diffId);
    const tmp = join(this.layout.snapshotsDir(), `${TMP_PREFIX}${randomBytes(8).toString("hex")}`);
    const label = `layer ${req.digest}`;
    await mkdir(join(tmp, "fs"), { recursive: true, mode: 0o755 });
    try {
      const applied = await applyLayer(blob, join(tmp, "fs"), { label, warn: req.warn });
      if (applied.diffId !== req.diffId) {
        throw dataCorruption(`${label}: diff ID mismatch: the layer unpacks to ${applied.diffId}, the image config says ${req.diffId}`);
      }
      const meta: SnapshotMeta = { chainId, diffId: req.diffId, parent: req.parent, size: applied.size };
      await syncFilesystem(tmp);
      const fh = await open(join(tmp, "meta.json"), "wx", 0o644);
      await fh.writeFile(`${JSON.stringify(meta, null, 2)}\n`);
      await fh.sync();
      await fh.close();
      try {
        await rename(tmp, this.layout.snapshotDir(chainId));
      } catch (err) {
        // Already committed by an earlier unpack of the same chain: keep that one.
        const code = (err as NodeJS.ErrnoException).code;
        if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
        await rm(tmp, { recursive: true, force: true });
        return await this.meta(chainId);
      }
      await fsyncDir(this.layout.snapshotsDir());
      return meta;
    } catch (err) {
      await rm(tmp, { recursive: true, force: true });
      throw err;
    }
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
