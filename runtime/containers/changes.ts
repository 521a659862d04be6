/**
 * `diff` (GET /containers/{id}/changes): what the container changed, read from its overlay upper directory with
 * dockerd's rules (moby pkg/archive changes.go, overlay flavour):
 * - a whiteout (character device 0:0) is a deletion (Kind 2), as is an opaque directory that exists below;
 * - anything else is an addition (Kind 1), or a modification (Kind 0) when a lower layer has the path; a directory
 *   whose size, mode and mtime equal the lower one's is left out (it was only copied up);
 * - the parent of an addition or deletion is listed as modified before it, once.
 * Runtime artefacts (mount-artefacts.ts) are left out, and so is a directory changed by nothing else. The order is a walk of the tree, names sorted.
 */
import { readdir } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Stats } from "node:fs";
import { existingDirs, lstatOrNull } from "../snapshot/entry-path.js";
import { opaqueDirs } from "../snapshot/overlay-opaque.js";
import type { ManagerState } from "./manager-state.js";
import { runtimeArtefacts } from "./mount-artefacts.js";
import { withRootfs } from "./rootfs-access.js";

export const ChangeKind = { Modified: 0, Added: 1, Deleted: 2 } as const;
export type ChangeKind = (typeof ChangeKind)[keyof typeof ChangeKind];

export interface Change {
  Path: string;
  Kind: ChangeKind;
}

/** lstat of `rel` in a lower layer, reached without following symlinks; null when it is not there. */
export function lowerStat(lowerDirs: string[], rel: string): Stats | null {
  const parts = rel.split("/").filter(Boolean);
  for (const lower of lowerDirs) {
    let dir: string | null;
    try {
      dir = existingDirs(lower, parts.slice(0, -1), "layer", rel);
    } catch {
      dir = null; // through a symlink: not the same path
    }
    const st = dir === null ? null : lstatOrNull(join(dir, parts.at(-1) ?? ""));
    if (st !== null) return st;
  }
  return null;
}

/** The changes of an upper directory over `lowerDirs` (topmost first). */
export async function upperChanges(upperDir: string, lowerDirs: string[]): Promise<Change[]> {
  const inLower = (rel: string): boolean => lowerStat(lowerDirs, rel) !== null;
  const [artefacts, opaque] = await Promise.all([runtimeArtefacts(upperDir, inLower), opaqueDirs(upperDir)]);
  const changes: Change[] = [];
  const changedDirs = new Set<string>();
  const walk = async (rel: string): Promise<void> => {
    const names = (await readdir(join(upperDir, rel)).catch(() => [] as string[])).sort();
    for (const name of names) {
      const childRel = rel === "" ? name : `${rel}/${name}`;
      if (artefacts.has(childRel)) continue;
      const st = lstatOrNull(join(upperDir, childRel));
      if (st === null) continue;
      const path = `/${childRel}`;
      const lower = lowerStat(lowerDirs, childRel);
      let kind: ChangeKind | null;
      if (st.isCharacterDevice() && st.rdev === 0) kind = ChangeKind.Deleted;
      else if (st.isDirectory() && opaque.has(childRel) && lower !== null) kind = ChangeKind.Deleted;
      else if (lower === null) kind = ChangeKind.Added;
      else if (st.isDirectory() && lower.isDirectory() && st.size === lower.size && st.mode === lower.mode &&
        Math.trunc(st.mtimeMs) === Math.trunc(lower.mtimeMs)) kind = null;
      else kind = ChangeKind.Modified;
      // a lower directory copied up only because the runtime put its mount points in it
      if (kind === ChangeKind.Modified && st.isDirectory() &&
        (await readdir(join(upperDir, childRel))).every((c) => artefacts.has(`${childRel}/${c}`))) kind = null;
      if (kind !== null) {
        if (st.isDirectory()) changedDirs.add(path);
        if (kind !== ChangeKind.Modified) {
          const parent = posix.dirname(path);
          if (parent !== "/" && !changedDirs.has(parent)) {
            changes.push({ Path: parent, Kind: ChangeKind.Modified });
            changedDirs.add(parent);
          }
        }
        changes.push({ Path: path, Kind: kind });
      }
      if (st.isDirectory()) await walk(childRel);
    }
  };
  await walk("");
  return changes;
}

export async function containerChanges(m: ManagerState, ref: string): Promise<Change[]> {
  const { layout, images } = m.deps;
  const live = m.registry.find(ref);
  const image = await images.resolve(live.record.imageId);
  const lowerDirs = images.layerPaths(image).slice().reverse();
  return withRootfs(m, live, "read", () => upperChanges(layout.upperDir(live.record.id), lowerDirs));
}
