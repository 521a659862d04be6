/**
 * Mounting a container's root filesystem: an overlayfs whose lower layers are the image's unpacked snapshots (read
 * only, shared by every container of the image) and whose upper layer is the container's own writable directory.
 *
 * Node has no mount(2), so mount(8)/umount(8) are run; that costs one process per mount, kept off the start path
 * where possible (a rootfs that is still mounted is reused).
 */
import { execFile } from "node:child_process";
import { mkdir, readFile, stat } from "node:fs/promises";
import { dirname } from "node:path";
import { internal } from "../errors.js";

export interface OverlayMount {
  /** snapshot directories, topmost layer first (overlayfs order) */
  lowerDirs: string[];
  upperDir: string;
  workDir: string;
  target: string;
  /** mount it read-only (the upper directory is then left as it is) */
  readOnly?: boolean;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: "utf8" }, (err, _stdout, stderr) => {
      if (err) reject(new Error((stderr || err.message).trim()));
      else resolve();
    });
  });
}

export function overlayOptions(m: OverlayMount): string {
  for (const d of [...m.lowerDirs, m.upperDir, m.workDir]) {
    // mount(8) splits options at commas and overlay splits lowerdir at colons
    if (/[,:]/.test(d)) throw internal(`overlay: path ${d} contains "," or ":"`);
  }
  return `${m.readOnly ? "ro," : ""}lowerdir=${m.lowerDirs.join(":")},upperdir=${m.upperDir},workdir=${m.workDir}`;
}

/** Mounts the overlay at `target` unless it is mounted there already. */
export async function mountOverlay(m: OverlayMount): Promise<void> {
  if (m.lowerDirs.length === 0) throw internal("overlay: an image needs at least one layer");
  if (await isMountPoint(m.target)) return;
  await Promise.all([mkdir(m.upperDir, { recursive: true }), mkdir(m.workDir, { recursive: true }),
    mkdir(m.target, { recursive: true })]);
  const options = overlayOptions(m);
  // mount(8) rejects option strings longer than a page; deep images would need shorter lowerdir names
  if (options.length > 4000) throw internal(`overlay: too many layers for one mount (${m.lowerDirs.length})`);
  try {
    await run("mount", ["-n", "-i", "--no-canonicalize", "-t", "overlay", "overlay", "-o", options, m.target]);
  } catch (err) {
    throw internal(`mounting the container's root filesystem: ${(err as Error).message}`, err);
  }
}

/** Unmounts `target`; a busy mount is detached lazily; "not mounted" is fine. */
export async function unmount(target: string): Promise<void> {
  if (!(await isMountPoint(target))) return;
  try {
    await run("umount", ["-n", "-i", target]);
  } catch {
    await run("umount", ["-n", "-i", "-l", target]).catch(() => undefined);
  }
}

/** Whether `path` is the root of a mount (its device differs from its parent's). */
export async function isMountPoint(path: string): Promise<boolean> {
  try {
    const [a, b] = await Promise.all([stat(path), stat(dirname(path))]);
    return a.dev !== b.dev;
  } catch {
    return false;
  }
}

/** Mount points at or below `dir` (deepest first), from /proc/self/mountinfo. */
export async function mountsUnder(dir: string): Promise<string[]> {
  const text = await readFile("/proc/self/mountinfo", "utf8");
  const prefix = dir.endsWith("/") ? dir : `${dir}/`;
  const out: string[] = [];
  for (const line of text.split("\n")) {
    const mp = line.split(" ")[4];
    if (!mp) continue;
    const path = mp.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
    if (path === dir || path.startsWith(prefix)) out.push(path);
  }
  return out.sort((x, y) => y.length - x.length);
}
