/**
 * Applying a layer: unpacking one layer tar (a "changeset", OCI image spec layer.md) into an empty snapshot
 * directory that becomes an overlay lowerdir.
 *
 * Safety, since layers come from whoever built the image:
 * - names are normalised and never leave the root (entry-path.ts): `..` is refused, `/etc/x` lands in `<root>/etc/x`;
 * - nothing is written through a symlink: parents are checked with lstat, files are opened O_NOFOLLOW|O_EXCL after
 *   removing what was there, symlinks are created but never followed (their targets, even absolute ones, only mean
 *   something inside the container later);
 * - hardlinks must point at an entry already unpacked in this layer, reached without symlinks;
 * - device nodes and fifos are not created (a layer has no business shipping them; the container gets its own /dev):
 *   they are skipped and counted.
 * Ownership, modes (setuid/setgid kept: chmod after chown) and mtimes come from the tar headers. Directory metadata
 * is applied last, deepest first, so creating their children does not disturb it.
 *
 * Metadata calls are synchronous: each is one short syscall on the local data root, and the thread-pool round
 * trip of the async versions (~100 µs here) made unpacking several times slower. Every entry awaits the tar stream,
 * so the event loop still turns between entries. File content goes out in big batches (file-body.ts), asynchronously
 * for large files.
 */
import { constants, type Stats } from "node:fs";
import {
  chmodSync,
  closeSync,
  fchmodSync,
  fchownSync,
  futimesSync,
  lchownSync,
  linkSync,
  lutimesSync,
  mkdirSync,
  openSync,
  rmSync,
  symlinkSync,
  unlinkSync,
} from "node:fs";
import { join } from "node:path";
import { extract as tarExtract, type Header } from "tar-stream";
import { dataCorruption, EngineError } from "../errors.js";
import { digestOfHash, sha256Hasher } from "../store/digest.js";
import { ensureDirs, entryComponents, existingDirs, KnownDirs, lstatOrNull } from "./entry-path.js";
import { writeFileBody } from "./file-body.js";
import { openLayerStream } from "./layer-stream.js";
import { writeOverlayMarkers, type OpaqueDir } from "./overlay-markers.js";

export interface ApplyOptions {
  /** names the layer in errors and warnings, e.g. "layer sha256:…" */
  label: string;
  warn?: (message: string) => void;
}

export interface ApplyResult {
  /** sha256 of the uncompressed tar stream */
  diffId: string;
  /** bytes of regular file content unpacked */
  size: number;
  /** device nodes and fifos that were skipped */
  skipped: number;
}

const WHITEOUT_PREFIX = ".wh.";
const OPAQUE = ".wh..wh..opq";
const AUFS_META = ".wh..wh.";

interface DirMeta {
  path: string;
  depth: number;
  header: Header;
}

/** Unpacks `blob` (gzip or plain tar) into the existing, empty directory `root`. */
export async function applyLayer(blob: AsyncIterable<Uint8Array>, root: string, opts: ApplyOptions): Promise<ApplyResult> {
  const { label } = opts;
  const plain = await openLayerStream(blob, label);
  const hash = sha256Hasher();
  const extract = tarExtract();
  const state = new ApplyState(root, label);

  // Feed the extractor ourselves so the diff ID covers every byte of the stream, trailing padding included.
  const feeding = (async () => {
    try {
      for await (const chunk of plain) {
        hash.update(chunk as Buffer);
        if (!extract.write(chunk as Buffer)) await drainedOrClosed(extract);
        if (extract.destroyed) return;
      }
      (extract as unknown as NodeJS.WritableStream).end();
    } catch (err) {
      extract.destroy(err as Error);
    }
  })();

  try {
    for await (const entry of extract) {
      await state.apply(entry.header, entry as unknown as AsyncIterable<Uint8Array>);
      entry.resume();
    }
    await feeding;
    await state.finish();
  } catch (err) {
    plain.destroy();
    extract.destroy();
    await feeding;
    throw classify(err, label);
  }
  if (state.skipped > 0) {
    opts.warn?.(`${label}: skipped ${state.skipped} device node/fifo entr${state.skipped === 1 ? "y" : "ies"}`);
  }
  return { diffId: digestOfHash(hash), size: state.size, skipped: state.skipped };
}

class ApplyState {
  size = 0;
  skipped = 0;
  private readonly dirs: DirMeta[] = [];
  private readonly whiteouts: string[] = [];
  private readonly opaque = new Set<string>();
  private readonly known = new KnownDirs();

  constructor(private readonly root: string, private readonly label: string) {}

  async apply(header: Header, body: AsyncIterable<Uint8Array>): Promise<void> {
    const name = header.name;
    const parts = entryComponents(name, this.label);
    const base = parts.at(-1);
    const parents = parts.slice(0, -1);

    if (base === undefined) {
      if (header.type !== "directory") throw dataCorruption(`${this.label}: entry ${name} is not a directory`);
      this.dirs.push({ path: this.root, depth: 0, header });
      return;
    }
    // Inside aufs bookkeeping directories (.wh..wh.plnk/…): not part of the image's filesystem, as in Docker.
    if (parents.some((p) => p.startsWith(AUFS_META))) return;
    if (base.startsWith(WHITEOUT_PREFIX)) return this.whiteout(parents, base, name);

    switch (header.type) {
      case "directory":
        return this.directory(parts, name, header);
      case "file":
      case "contiguous-file":
        return this.file(ensureDirs(this.root, parents, this.label, name, this.known), base, header, body);
      case "symlink":
        return this.symlink(ensureDirs(this.root, parents, this.label, name, this.known), base, header);
      case "link":
        return this.hardlink(ensureDirs(this.root, parents, this.label, name, this.known), base, header);
      default:
        // character-device, block-device, fifo: neutralised (see the top comment).
        this.skipped++;
        return;
    }
  }

  private async whiteout(parents: string[], base: string, name: string): Promise<void> {
    ensureDirs(this.root, parents, this.label, name, this.known);
    if (base === OPAQUE) {
      this.opaque.add(parents.join("/"));
      return;
    }
    if (base.startsWith(AUFS_META)) return; // aufs bookkeeping (.wh..wh.plnk …): ignored, as Docker does
    const hidden = base.slice(WHITEOUT_PREFIX.length);
    if (hidden === "" || hidden === "." || hidden === "..") {
      throw dataCorruption(`${this.label}: invalid whiteout ${name}`);
    }
    this.whiteouts.push([...parents, hidden].join("/"));
  }

  private async directory(parts: string[], name: string, header: Header): Promise<void> {
    const parent = ensureDirs(this.root, parts.slice(0, -1), this.label, name, this.known);
    const path = join(parent, parts.at(-1) as string);
    const st = lstatOrNull(path);
    if (st !== null && !st.isDirectory()) unlinkSync(path);
    if (st === null || !st.isDirectory()) mkdirSync(path, { mode: 0o700 });
    this.dirs.push({ path, depth: parts.length, header });
  }

  private async file(dir: string, base: string, header: Header, body: AsyncIterable<Uint8Array>): Promise<void> {
    const path = join(dir, base);
    this.clear(path);
    const fd = openSync(path, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, 0o600);
    try {
      await writeFileBody(fd, body);
      const { uid, gid } = ownerOf(header);
      fchownSync(fd, uid, gid);
      fchmodSync(fd, header.mode & 0o7777);
      futimesSync(fd, mtimeOf(header), mtimeOf(header));
    } finally {
      closeSync(fd);
    }
    this.size += header.size;
  }

  private async symlink(dir: string, base: string, header: Header): Promise<void> {
    const path = join(dir, base);
    this.clear(path);
    symlinkSync(header.linkname, path);
    const { uid, gid } = ownerOf(header);
    lchownSync(path, uid, gid);
    lutimesSync(path, mtimeOf(header), mtimeOf(header));
  }

  private async hardlink(dir: string, base: string, header: Header): Promise<void> {
    const path = join(dir, base);
    const linkname = header.linkname ?? "";
    const targetParts = entryComponents(linkname, this.label);
    const targetDir = existingDirs(this.root, targetParts.slice(0, -1), this.label, linkname);
    const targetBase = targetParts.at(-1);
    const target = targetDir !== null && targetBase !== undefined ? join(targetDir, targetBase) : null;
    const st = target !== null ? lstatOrNull(target) : null;
    if (target === null || st === null || st.isDirectory()) {
      throw dataCorruption(`${this.label}: hardlink ${header.name} -> ${linkname} does not point at a file of this layer`);
    }
    if (target === path) return; // a link to itself: already there
    this.clear(path);
    linkSync(target, path);
  }

  /** Removes whatever an earlier entry left at `path`, so the new entry replaces it (tar semantics). */
  private clear(path: string): void {
    const st = lstatOrNull(path);
    if (st === null) return;
    if (st.isDirectory()) {
      this.known.forget(path);
      rmSync(path, { recursive: true, force: true });
    } else {
      unlinkSync(path);
    }
  }

  /** Writes the overlay markers, then directory metadata deepest first. */
  async finish(): Promise<void> {
    const whiteouts: string[] = [];
    for (const path of this.whiteouts) {
      const parts = path.split("/");
      // Re-checked now: a later entry of the layer may have replaced a parent directory.
      const dir = existingDirs(this.root, parts.slice(0, -1), this.label, path);
      if (dir === null) continue;
      // A whiteout only hides lower layers: an entry of the same name in this layer wins.
      if ((lstatOrNull(join(dir, parts.at(-1) as string))) === null) whiteouts.push(path);
    }
    const opaque: OpaqueDir[] = [];
    for (const path of this.opaque) {
      const dir = existingDirs(this.root, path === "" ? [] : path.split("/"), this.label, path);
      const st: Stats | null = dir === null ? null : lstatOrNull(dir);
      if (st?.isDirectory()) opaque.push({ path, stat: st });
    }
    await writeOverlayMarkers(this.root, whiteouts, opaque);

    this.dirs.sort((a, b) => b.depth - a.depth);
    for (const { path, header } of this.dirs) {
      const st = lstatOrNull(path);
      if (!st?.isDirectory()) continue; // replaced by a later entry
      const { uid, gid } = ownerOf(header);
      lchownSync(path, uid, gid);
      chmodSync(path, header.mode & 0o7777);
      lutimesSync(path, mtimeOf(header), mtimeOf(header));
    }
  }
}

/** uid/gid, preferring PAX records (ids beyond the 8-digit octal field of ustar). */
function ownerOf(header: Header): { uid: number; gid: number } {
  const pax = (header.pax ?? {}) as Record<string, string>;
  const uid = pax.uid !== undefined ? Number.parseInt(pax.uid, 10) : header.uid;
  const gid = pax.gid !== undefined ? Number.parseInt(pax.gid, 10) : header.gid;
  return { uid: Number.isSafeInteger(uid) ? uid : header.uid, gid: Number.isSafeInteger(gid) ? gid : header.gid };
}

/** mtime, preferring the PAX record (sub-second precision). */
function mtimeOf(header: Header): Date {
  const pax = (header.pax ?? {}) as Record<string, string>;
  const seconds = pax.mtime !== undefined ? Number.parseFloat(pax.mtime) : Number.NaN;
  return Number.isFinite(seconds) ? new Date(seconds * 1000) : header.mtime;
}

function drainedOrClosed(stream: NodeJS.EventEmitter): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      stream.off("drain", done);
      stream.off("close", done);
      resolve();
    };
    stream.on("drain", done);
    stream.on("close", done);
  });
}

/** Broken compression or tar framing is bad content (DataCorruption); anything else (disk full …) stays as it is. */
function classify(err: unknown, label: string): unknown {
  if (err instanceof EngineError) return err;
  const e = err as NodeJS.ErrnoException;
  const zlib = typeof e?.code === "string" && e.code.startsWith("Z_");
  const tarFormat = /tar header|unexpected end of data|invalid .*header/i.test(e?.message ?? "");
  const layerShape = e?.code === "ENOTDIR" || e?.code === "EISDIR" || e?.code === "EEXIST" || e?.code === "ELOOP";
  if (zlib || tarFormat || layerShape) return dataCorruption(`${label}: ${e.message}`);
  return err;
}
