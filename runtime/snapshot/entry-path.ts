/**
 * Where a layer entry may land: names of tar entries turned into paths inside a snapshot's root, without ever
 * leaving it.
 *
 * A name is split into components; leading `/` and `.` components are dropped (absolute names are relative to the
 * root, as in every image), a `..` component anywhere is refused. The directories above an entry are walked one
 * component at a time with lstat, so a symlink planted by an earlier entry (`link -> /`) can never redirect a later
 * write (`link/etc/passwd`): a parent that is a symlink is refused, not followed.
 *
 * These are synchronous on purpose: each is a single metadata syscall of a few microseconds on the local data root,
 * while a round trip through libuv's thread pool costs ~100 µs here, which made unpacking a layer of a few hundred
 * entries several times slower. The caller awaits the tar stream between entries, so the event loop keeps turning.
 */
import { lstatSync, mkdirSync, type Stats } from "node:fs";
import { join } from "node:path";
import { dataCorruption } from "../errors.js";

/** Components of an entry name relative to the root; `[]` is the root itself. */
export function entryComponents(name: string, label: string): string[] {
  if (name.includes("\0")) throw dataCorruption(`${label}: invalid entry name ${JSON.stringify(name)}`);
  const parts = name.split("/").filter((p) => p !== "" && p !== ".");
  if (parts.includes("..")) throw dataCorruption(`${label}: path escapes the root: ${name}`);
  return parts;
}

/**
 * Makes sure `root/components[0]/…/components[n-1]` is a chain of real directories, creating the missing ones
 * (mode 0755, like tar does for implied parents). Returns the innermost directory.
 */
export function ensureDirs(
  root: string,
  components: readonly string[],
  label: string,
  name: string,
  known?: KnownDirs,
): string {
  let dir = root;
  for (const part of components) {
    dir = join(dir, part);
    if (known?.has(dir)) continue;
    const st = lstatOrNull(dir);
    if (st === null) {
      mkdirSync(dir, { mode: 0o755 });
    } else if (st.isSymbolicLink()) {
      throw dataCorruption(`${label}: path escapes the root: ${name} (${components.join("/")} goes through a symlink)`);
    } else if (!st.isDirectory()) {
      throw dataCorruption(`${label}: cannot extract ${name}: a parent is not a directory`);
    }
    known?.add(dir);
  }
  return dir;
}

/**
 * Directories already checked (or created) as real directories during one unpack, so deep trees are not lstat'ed
 * again for every entry. Whoever removes a path from the tree must call {@link KnownDirs.forget}.
 */
export class KnownDirs {
  private readonly dirs = new Set<string>();
  has(dir: string): boolean {
    return this.dirs.has(dir);
  }
  add(dir: string): void {
    this.dirs.add(dir);
  }
  forget(path: string): void {
    for (const dir of this.dirs) if (dir === path || dir.startsWith(`${path}/`)) this.dirs.delete(dir);
  }
}

/** Like {@link ensureDirs} but creates nothing: null when a component is missing; throws when one is a symlink. */
export function existingDirs(root: string, components: readonly string[], label: string, name: string): string | null {
  let dir = root;
  for (const part of components) {
    dir = join(dir, part);
    const st = lstatOrNull(dir);
    if (st === null) return null;
    if (st.isSymbolicLink()) {
      throw dataCorruption(`${label}: path escapes the root: ${name} (${components.join("/")} goes through a symlink)`);
    }
    if (!st.isDirectory()) return null;
  }
  return dir;
}

export function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === "ENOENT" || code === "ENOTDIR") return null;
    throw err;
  }
}
