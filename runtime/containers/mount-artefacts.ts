/**
 * What starting a container leaves in its upper directory that is not the container's own change: the mount points
 * the runtime creates when the image lacks them (/proc, /sys, /dev, the bind-mounted /etc/hosts, /etc/hostname,
 * /etc/resolv.conf …) and directories created only to hold them. dockerd keeps these in an "init" layer below the
 * container's, so `diff` and `commit` never show them; hakod leaves them out the same way.
 */
import { readdir } from "node:fs/promises";
import { join } from "node:path";
import { lstatOrNull } from "../snapshot/entry-path.js";

const MOUNT_POINTS = [
  "proc", "sys", "sys/fs/cgroup", "dev", "dev/pts", "dev/shm", "dev/mqueue", "dev/console",
  "etc/hosts", "etc/hostname", "etc/resolv.conf", "etc/mtab", ".dockerenv",
];

/**
 * Paths (relative, no leading "/") of `upperDir` that are runtime artefacts: empty mount points, and directories that
 * exist in no lower layer and hold nothing but artefacts. `inLower(path)` says whether a lower layer has the path.
 */
export async function runtimeArtefacts(upperDir: string, inLower: (path: string) => boolean): Promise<Set<string>> {
  const out = new Set<string>();
  // deepest first, so that /dev holding only /dev/pts counts as empty
  for (const p of [...MOUNT_POINTS].sort((a, b) => b.length - a.length)) {
    const st = lstatOrNull(join(upperDir, p));
    if (st === null) continue;
    const empty = st.isDirectory()
      ? (await readdir(join(upperDir, p))).every((c) => out.has(`${p}/${c}`))
      : st.isFile() && st.size === 0;
    if (empty) out.add(p);
  }
  // parents created only for the artefacts (an image without /etc, say), deepest first
  const parents = [...new Set(MOUNT_POINTS.flatMap((p) => {
    const parts = p.split("/");
    return parts.slice(1).map((_, i) => parts.slice(0, i + 1).join("/"));
  }))].sort((a, b) => b.length - a.length);
  for (const dir of parents) {
    if (inLower(dir) || !lstatOrNull(join(upperDir, dir))?.isDirectory()) continue;
    if ((await readdir(join(upperDir, dir))).every((c) => out.has(`${dir}/${c}`))) out.add(dir);
  }
  return out;
}
