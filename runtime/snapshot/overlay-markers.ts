/**
 * Overlay markers: how an OCI whiteout becomes something overlayfs understands, since every snapshot is mounted as
 * an overlay lowerdir.
 *
 * - `.wh.<name>` (delete <name> of the layers below) → a character device 0:0 named <name>.
 * - `.wh..wh..opq` (hide everything of this directory below) → xattr `trusted.overlay.opaque=y` on the directory.
 *
 * Node can neither mknod nor set xattrs, and one process per marker is slow on images that delete many files, so all
 * markers of a layer are written by one GNU tar process (tar is essential on Debian): we build a small archive of
 * char devices and directory entries carrying the xattr in PAX `SCHILY.xattr.*` records and extract it into the
 * snapshot. The caller has checked that no parent on the way is a symlink (entry-path.ts), so tar only ever writes
 * where we validated.
 */
import { spawn } from "node:child_process";
import type { Stats } from "node:fs";
import { pack as tarPack, type Pack } from "tar-stream";
import { internal } from "../errors.js";

type HeaderArgument = Parameters<Pack["entry"]>[0];

export interface OpaqueDir {
  /** path relative to the snapshot root, "" for the root itself */
  path: string;
  /** current owner, mode and mtime of the directory, so tar's metadata restore keeps them */
  stat: Stats;
}

export async function writeOverlayMarkers(root: string, whiteouts: readonly string[], opaque: readonly OpaqueDir[]): Promise<void> {
  if (whiteouts.length === 0 && opaque.length === 0) return;
  const pack = tarPack();
  for (const dir of opaque) {
    pack.entry({
      name: dir.path === "" ? "./" : `${dir.path}/`,
      type: "directory",
      mode: dir.stat.mode & 0o7777,
      uid: dir.stat.uid,
      gid: dir.stat.gid,
      mtime: dir.stat.mtime,
      pax: { "SCHILY.xattr.trusted.overlay.opaque": "y" },
    } as HeaderArgument);
  }
  for (const path of whiteouts) {
    pack.entry({ name: path, type: "character-device", devmajor: 0, devminor: 0, mode: 0, uid: 0, gid: 0, mtime: new Date(0) });
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of pack) chunks.push(chunk as Buffer);
  await runTar(root, Buffer.concat(chunks));
}

function runTar(root: string, archive: Buffer): Promise<void> {
  const args = ["-x", "-f", "-", "-C", root, "--xattrs", "--xattrs-include=trusted.overlay.*", "--numeric-owner", "-p"];
  return new Promise((resolve, reject) => {
    const child = spawn("tar", args, { stdio: ["pipe", "ignore", "pipe"] });
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("error", (err) => reject(internal(`cannot run tar to write overlay whiteouts: ${err.message}`, err)));
    child.on("close", (code) => {
      if (code === 0) resolve();
      else reject(internal(`tar failed writing overlay whiteouts (exit ${code}): ${stderr.trim()}`));
    });
    child.stdin.end(archive);
  });
}
