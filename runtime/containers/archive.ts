/**
 * `cp` through `/containers/{id}/archive`: stat (HEAD), copy out (GET) and copy in (PUT), on running and stopped
 * containers (rootfs-access.ts), with paths resolved the way dockerd resolves them:
 * - out: the directory part follows symlinks inside the container's root, the last element is taken as it is (a
 *   symlink is copied as a symlink) unless the path ends in "/" or "/."; entries are named after the last element of
 *   the requested path (`/etc/` → `etc/…`, `/etc/.` → `./…`);
 * - in: the whole path follows symlinks inside the root and must be a directory; the archive is extracted there
 *   (archive-extract.ts).
 */
import { lstat } from "node:fs/promises";
import { posix, relative } from "node:path";
import { pack as tarPack } from "tar-stream";
import type { Readable } from "node:stream";
import { invalidArgument, notFound } from "../errors.js";
import { extractArchive } from "./archive-extract.js";
import { rfc3339FromNs } from "./container.js";
import { resolveInRoot } from "./in-root.js";
import type { ManagerState } from "./manager-state.js";
import { withRootfs } from "./rootfs-access.js";
import { TreePacker } from "./tree-tar.js";
import { resolveUserInRootfs } from "./user.js";

/** Docker's ContainerPathStat (the `X-Docker-Container-Path-Stat` header, base64 JSON). */
export interface PathStat {
  name: string;
  size: number;
  /** Go's os.FileMode: permission bits plus type bits (dir 1<<31, symlink 1<<27, …) */
  mode: number;
  mtime: string;
  linkTarget: string;
}

/** Go's os.FileMode bits of a Unix st_mode. */
export function goFileMode(mode: number): number {
  let m = mode & 0o777;
  const type = mode & 0o170000;
  if (type === 0o040000) m |= 2 ** 31;
  else if (type === 0o120000) m |= 2 ** 27;
  else if (type === 0o060000) m |= 2 ** 26;
  else if (type === 0o020000) m |= 2 ** 26 + 2 ** 21;
  else if (type === 0o010000) m |= 2 ** 25;
  else if (type === 0o140000) m |= 2 ** 24;
  if (mode & 0o4000) m |= 2 ** 23;
  if (mode & 0o2000) m |= 2 ** 22;
  if (mode & 0o1000) m |= 2 ** 20;
  return m >>> 0;
}

/** Docker's absolute form of a requested path: joined to "/", a trailing "/" or "/." kept. */
function absPath(path: string): string {
  const clean = posix.join("/", path);
  if (path.endsWith("/.") && clean !== "/") return `${clean}/.`;
  if (path.endsWith("/") && clean !== "/") return `${clean}/`;
  return clean;
}

interface Resolved {
  /** host path of the entry (its last element not followed) */
  host: string;
  abs: string;
}

/** dockerd's ResolvePath: the directory part followed inside the root, the base element kept. */
function resolvePath(rootfs: string, path: string): Resolved {
  const abs = absPath(path);
  const slash = abs.lastIndexOf("/");
  const dir = resolveInRoot(rootfs, abs.slice(0, slash + 1));
  const base = abs.slice(slash + 1);
  return { host: base === "" || base === "." ? dir : posix.join(dir, base), abs };
}

async function statResolved(rootfs: string, r: Resolved, fileNotFound: () => Error): Promise<PathStat> {
  const st = await lstat(r.host, { bigint: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT" || err.code === "ENOTDIR") throw fileNotFound();
    throw err;
  });
  let linkTarget = "";
  if ((Number(st.mode) & 0o170000) === 0o120000) {
    linkTarget = posix.join("/", relative(rootfs, resolveInRoot(rootfs, r.abs)));
  }
  return {
    name: r.abs === "/" ? "/" : posix.basename(r.abs),
    size: Number(st.size),
    mode: goFileMode(Number(st.mode)),
    mtime: rfc3339FromNs(st.mtimeNs),
    linkTarget,
  };
}

const notFoundIn = (ref: string, path: string) => () => notFound(`Could not find the file ${path} in container ${ref}`);

export function statPath(m: ManagerState, ref: string, path: string): Promise<PathStat> {
  if (!path) throw invalidArgument("Path cannot be empty");
  const live = m.registry.find(ref);
  return withRootfs(m, live, "read", (rootfs) => statResolved(rootfs, resolvePath(rootfs, path), notFoundIn(ref, path)));
}

/**
 * Copies `path` out of the container: `send` gets the stat and the tar stream and resolves once it has delivered it
 * (the rootfs stays available until then).
 */
export function copyFromContainer(m: ManagerState, ref: string, path: string,
  send: (stat: PathStat, tar: Readable) => Promise<void>): Promise<void> {
  if (!path) throw invalidArgument("Path cannot be empty");
  const live = m.registry.find(ref);
  return withRootfs(m, live, "read", async (rootfs) => {
    const r = resolvePath(rootfs, path);
    const stat = await statResolved(rootfs, r, notFoundIn(ref, path));
    const pack = tarPack();
    // entries are named after the requested path's last element ("." for "/dir/.", "/" for the root)
    const name = r.abs.endsWith("/.") ? "." : r.abs === "/" ? "/" : posix.basename(r.abs);
    const packing = (async () => {
      await new TreePacker(pack).add(r.host, name);
      pack.finalize();
    })().catch((err: Error) => {
      pack.destroy(err);
    });
    await Promise.all([send(stat, pack as unknown as Readable), packing]);
  });
}

export interface CopyInOptions {
  noOverwriteDirNonDir: boolean;
  /** `cp -a`: files owned by the container's user */
  copyUIDGID: boolean;
}

export function copyToContainer(m: ManagerState, ref: string, path: string, body: AsyncIterable<Uint8Array>,
  opts: CopyInOptions): Promise<void> {
  if (!path) throw invalidArgument("Path cannot be empty");
  const live = m.registry.find(ref);
  return withRootfs(m, live, "write", async (rootfs) => {
    // the last element is followed too, so that one can extract to a symlink to a directory
    const dest = resolveInRoot(rootfs, absPath(path));
    const st = await lstat(dest).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT" || err.code === "ENOTDIR") throw notFoundIn(ref, path)();
      throw err;
    });
    if (!st.isDirectory()) throw invalidArgument("extraction point is not a directory");
    if (live.record.hostConfig.ReadonlyRootfs) throw invalidArgument("container rootfs is marked read-only");
    const owner = opts.copyUIDGID ? await resolveUserInRootfs(rootfs, live.record.config.User) : undefined;
    await extractArchive(body, {
      root: rootfs,
      dest: relative(rootfs, dest).split("/").filter(Boolean),
      noOverwriteDirNonDir: opts.noOverwriteDirNonDir,
      owner,
    });
  });
}
