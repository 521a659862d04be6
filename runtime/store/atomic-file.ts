/**
 * Atomic file replacement: a reader sees the old content or the new one, never a mix, and a crash (kill -9, power
 * loss) after the call returns keeps the new one.
 *
 * The temp file is written in the data root's tmp/ (same filesystem, so rename is atomic), fsynced, renamed over the
 * target, and the target's directory fsynced so the rename itself is durable.
 */
import { randomBytes } from "node:crypto";
import { open, rename, unlink } from "node:fs/promises";
import { dirname, join } from "node:path";

/** Names of temp files this module leaves in tmp/ when a crash interrupts it; cleaned up by the store's init(). */
export const ATOMIC_TMP_PREFIX = "atomic-";

export async function writeFileAtomic(target: string, data: string | Uint8Array, tmpDir: string): Promise<void> {
  const tmp = join(tmpDir, `${ATOMIC_TMP_PREFIX}${randomBytes(8).toString("hex")}`);
  const fh = await open(tmp, "wx", 0o644);
  try {
    await fh.writeFile(data);
    await fh.sync();
  } catch (err) {
    await fh.close();
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fh.close();
  try {
    await rename(tmp, target);
  } catch (err) {
    await unlink(tmp).catch(() => {});
    throw err;
  }
  await fsyncDir(dirname(target));
}

export async function writeJsonAtomic(target: string, value: unknown, tmpDir: string): Promise<void> {
  await writeFileAtomic(target, `${JSON.stringify(value, null, 2)}\n`, tmpDir);
}

/** Makes a directory's entries (creations, renames, removals) durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fh = await open(dir, "r");
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
