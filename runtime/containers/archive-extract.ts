/**
 * Extracting a `cp` archive (PUT /containers/{id}/archive) into a directory of a container's root filesystem, with the
 * path-safety of layer extraction (snapshot/entry-path.ts):
 * - a name with `..` is refused; `/x` lands in `<dest>/x`;
 * - every directory from the container root down to an entry is checked with lstat: a symlink on the way is refused,
 *   never followed, so `link -> /` followed by `link/etc/passwd` cannot write anywhere but where it was validated;
 * - a file is opened O_NOFOLLOW|O_EXCL after removing what was there; a symlink is created, never followed; like
 *   dockerd, a relative symlink may not point above the extraction directory, and a hardlink must point at a file
 *   inside it, reached without symlinks;
 * - device nodes and fifos are skipped (Node cannot mknod).
 * With `noOverwriteDirNonDir`, replacing a directory by a non-directory (or the reverse) is refused, in dockerd's words.
 * Ownership comes from the headers unless `owner` is given (`cp -a`: the container's user); directory metadata is
 * applied last, deepest first.
 */
import { constants } from "node:fs";
import {
  chmodSync, closeSync, fchmodSync, fchownSync, futimesSync, lchownSync, linkSync, lutimesSync, mkdirSync, openSync,
  rmSync, symlinkSync, unlinkSync, writeSync,
} from "node:fs";
import { join, posix } from "node:path";
import { pipeline } from "node:stream";
import { extract as tarExtract, type Header } from "tar-stream";
import { dataCorruption, EngineError, invalidArgument } from "../errors.js";
import { ensureDirs, entryComponents, existingDirs, lstatOrNull } from "../snapshot/entry-path.js";
import { openLayerStream } from "../snapshot/layer-stream.js";

export interface ExtractOptions {
  /** the container's root filesystem */
  root: string;
  /** the extraction directory, as components below `root` (resolved already, a real directory) */
  dest: string[];
  noOverwriteDirNonDir: boolean;
  /** chown everything to this owner instead of the headers' */
  owner?: { uid: number; gid: number };
}

const LABEL = "archive";

interface DirMeta {
  path: string;
  depth: number;
  header: Header;
}

export async function extractArchive(body: AsyncIterable<Uint8Array>, opts: ExtractOptions): Promise<void> {
  const plain = await openLayerStream(body, LABEL);
  const extract = tarExtract();
  // pipeline, not pipe: a failing decompressor (corrupt gzip or zstd, a client gone mid-body) must fail the extract
  // below, or the error goes unhandled and the extract waits forever
  pipeline(plain, extract, () => {});
  const dirs: DirMeta[] = [];
  try {
    for await (const entry of extract) {
      await extractEntry(entry.header, entry as unknown as AsyncIterable<Uint8Array>, opts, dirs);
      entry.resume();
    }
  } catch (err) {
    plain.destroy();
    extract.destroy();
    throw classify(err);
  }
  dirs.sort((a, b) => b.depth - a.depth);
  for (const { path, header } of dirs) {
    if (!lstatOrNull(path)?.isDirectory()) continue;
    const { uid, gid } = opts.owner ?? header;
    lchownSync(path, uid, gid);
    chmodSync(path, header.mode & 0o7777);
    lutimesSync(path, header.mtime, header.mtime);
  }
}

async function extractEntry(header: Header, body: AsyncIterable<Uint8Array>, opts: ExtractOptions, dirs: DirMeta[]):
  Promise<void> {
  const name = header.name;
  const parts = entryComponents(name, LABEL);
  const base = parts.at(-1);
  // "." (the extraction directory itself): merged, its metadata left alone, as dockerd does
  if (base === undefined) return;
  const parent = ensureDirs(opts.root, [...opts.dest, ...parts.slice(0, -1)], LABEL, name);
  const path = join(parent, base);
  const existing = lstatOrNull(path);
  const isDir = header.type === "directory";
  if (existing && opts.noOverwriteDirNonDir) {
    const destText = `/${opts.dest.join("/")}`;
    if (existing.isDirectory() && !isDir) {
      throw invalidArgument(`cannot overwrite directory "${posix.join(destText, ...parts)}" with non-directory "${destText}"`);
    }
    if (!existing.isDirectory() && isDir) {
      throw invalidArgument(`cannot overwrite non-directory "${posix.join(destText, ...parts)}" with directory "${destText}"`);
    }
  }
  if (existing && !(existing.isDirectory() && isDir)) {
    if (existing.isDirectory()) rmSync(path, { recursive: true, force: true });
    else unlinkSync(path);
  }
  const { uid, gid } = opts.owner ?? header;
  switch (header.type) {
    case "directory":
      if (!existing?.isDirectory()) mkdirSync(path, { mode: 0o700 });
      dirs.push({ path, depth: opts.dest.length + parts.length, header });
      return;
    case "file":
    case "contiguous-file": {
      const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
      try {
        for await (const chunk of body) {
          for (let off = 0; off < chunk.length;) off += writeSync(fd, chunk, off, chunk.length - off);
        }
        fchownSync(fd, uid, gid);
        fchmodSync(fd, header.mode & 0o7777);
        futimesSync(fd, header.mtime, header.mtime);
      } finally {
        closeSync(fd);
      }
      return;
    }
    case "symlink": {
      const target = header.linkname ?? "";
      // dockerd's rule: a relative target may not climb above the extraction directory
      const landing = posix.normalize(posix.join(...parts.slice(0, -1), target));
      if (!target.startsWith("/") && (landing === ".." || landing.startsWith("../"))) {
        throw dataCorruption(`${LABEL}: invalid symlink "${name}" -> "${target}"`);
      }
      symlinkSync(target, path);
      lchownSync(path, uid, gid);
      lutimesSync(path, header.mtime, header.mtime);
      return;
    }
    case "link": {
      const linkname = header.linkname ?? "";
      const targetParts = entryComponents(linkname, LABEL);
      const targetDir = existingDirs(opts.root, [...opts.dest, ...targetParts.slice(0, -1)], LABEL, linkname);
      const targetBase = targetParts.at(-1);
      const target = targetDir !== null && targetBase !== undefined ? join(targetDir, targetBase) : null;
      const st = target !== null ? lstatOrNull(target) : null;
      if (target === null || st === null || st.isDirectory()) {
        throw dataCorruption(`${LABEL}: invalid hardlink "${name}" -> "${linkname}"`);
      }
      linkSync(target, path);
      return;
    }
    default:
      // character-device, block-device, fifo: skipped (see the top comment)
      return;
  }
}

/** Broken compression or tar framing, and entries that cannot land, are the client's error. */
function classify(err: unknown): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  const zlib = typeof e?.code === "string" && e.code.startsWith("Z_");
  const tarFormat = /tar header|unexpected end of data|invalid .*header/i.test(e?.message ?? "");
  const shape = e?.code === "ENOTDIR" || e?.code === "EISDIR" || e?.code === "EEXIST" || e?.code === "ELOOP";
  if (zlib || tarFormat || shape) return dataCorruption(`${LABEL}: ${e.message}`);
  return err;
}
