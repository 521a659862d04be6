/**
 * Writing COPY/ADD sources into a step's root filesystem (step-rootfs.ts), safely: every destination path is
 * resolved inside the root filesystem (a symlink in the image such as `/etc -> /host/etc` is followed as the
 * container would, never to the host), and the last element is replaced, never written through.
 *
 * Docker's rules: a directory source copies its contents, not itself; a file source lands at the destination, or
 * inside it when the destination ends in `/` or is an existing directory; missing parent directories are created
 * (root, 0755). Files get uid/gid 0 unless `--chown` says otherwise, keep their mode unless `--chmod` does, and keep
 * their mtime. Symlinks are copied as symlinks.
 */
import {
  chmodSync, copyFileSync, lchownSync, lstatSync, lutimesSync, mkdirSync, readlinkSync, rmSync, symlinkSync, utimesSync,
  type Stats,
} from "node:fs";
import { posix } from "node:path";
import { invalidArgument } from "../errors.js";
import { resolveInRoot } from "../containers/in-root.js";
import { walkSource, type MatchedSource, type SourceTree } from "./sources.js";

export interface CopyOwner {
  uid: number;
  gid: number;
}

export interface CopyOptions {
  /** uid/gid for everything copied (--chown); root when absent */
  owner?: CopyOwner;
  /** mode for everything copied (--chmod) */
  mode?: number;
  /** keep the sources' owners (ADD of a local archive: the tar's owners count) */
  keepOwner?: boolean;
}

/** Copies the matched sources to `dest` (an absolute path in the container). */
export function copyInto(root: string, tree: SourceTree, sources: MatchedSource[], dest: string, opts: CopyOptions): void {
  const destIsDir = dest.endsWith("/") || sources.length > 1 || sources.some((s) => s.stat.isDirectory()) ||
    isDirIn(root, dest);
  if (sources.length > 1 && !dest.endsWith("/")) {
    throw invalidArgument(`When using COPY with more than one source file, the destination must be a directory and end with a /`);
  }
  for (const src of sources) {
    const base = src.stat.isDirectory() ? dest : destIsDir ? posix.join(dest, posix.basename(src.rel || "/")) : dest;
    walkSource(tree, src, (rel, host, stat) => {
      const target = rel === "" ? base : posix.join(base, rel);
      writeEntry(root, target, host, stat, opts, rel === "");
    });
  }
}

/** Creates directory `path` in the container (and its parents), as root 0755 where missing. */
export function mkdirIn(root: string, path: string, owner?: CopyOwner): void {
  let cur = "/";
  for (const part of path.split("/").filter((p) => p !== "")) {
    cur = posix.join(cur, part);
    const host = resolveInRoot(root, cur);
    const st = lstatOrNull(host);
    if (st?.isDirectory()) continue;
    if (st) rmSync(host, { recursive: true, force: true });
    // recursive: a dangling link's target may need several directories (all inside the root: resolveInRoot
    // followed every existing link, and missing parts are plain names)
    mkdirSync(host, { mode: 0o755, recursive: true });
    if (owner) lchownSync(host, owner.uid, owner.gid);
  }
}

function writeEntry(root: string, target: string, host: string, stat: Stats, opts: CopyOptions, top: boolean): void {
  const parent = posix.dirname(target);
  mkdirIn(root, parent);
  const at = posix.join(resolveInRoot(root, parent), posix.basename(target));
  const uid = opts.owner?.uid ?? (opts.keepOwner ? stat.uid : 0);
  const gid = opts.owner?.gid ?? (opts.keepOwner ? stat.gid : 0);
  const existing = lstatOrNull(at);
  if (stat.isDirectory()) {
    if (existing?.isSymbolicLink()) {
      // a symlink to a directory in the image is followed (inside the root), as Docker does
      mkdirIn(root, target);
      if (!top) applyMeta(resolveInRoot(root, target), stat, uid, gid, opts.mode, false);
      return;
    }
    // an existing destination directory keeps its own metadata (COPY dir/ / must not chmod "/")
    if (top && existing?.isDirectory()) return;
    if (existing && !existing.isDirectory()) rmSync(at, { force: true });
    if (!existing?.isDirectory()) mkdirSync(at, { mode: 0o755 });
    applyMeta(at, stat, uid, gid, opts.mode, false);
    return;
  }
  if (existing) rmSync(at, { recursive: true, force: true });
  if (stat.isSymbolicLink()) {
    symlinkSync(readlinkSync(host), at);
    lchownSync(at, uid, gid);
    lutimesSync(at, stat.atime, stat.mtime);
    return;
  }
  if (!stat.isFile()) return; // devices, fifos and sockets are not copied
  copyFileSync(host, at);
  applyMeta(at, stat, uid, gid, opts.mode, true);
}

function applyMeta(path: string, stat: Stats, uid: number, gid: number, mode: number | undefined, file: boolean): void {
  lchownSync(path, uid, gid);
  // chmod after chown: chown clears setuid/setgid
  chmodSync(path, mode ?? (stat.mode & 0o7777));
  if (file || mode === undefined) utimesSync(path, stat.atime, stat.mtime);
}

function isDirIn(root: string, path: string): boolean {
  try {
    return lstatSync(resolveInRoot(root, path)).isDirectory();
  } catch {
    return false;
  }
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
