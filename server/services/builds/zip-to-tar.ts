/**
 * A zip archive as a tar stream, for build contexts uploaded as .zip (the engine takes tar). A small reader of the
 * zip format (APPNOTE.TXT): the central directory at the end names every entry and where its local header is; entries
 * are stored or deflated (zlib's raw inflate). ZIP64, encryption and other methods are refused with a clear error.
 * Unix modes (from "version made by" = Unix) are kept, so executables stay executable; symlinks become tar symlinks.
 * Entry names are checked here too (no absolute paths, no `..`), though the engine unpacks contexts safely anyway.
 */
import { open, type FileHandle } from "node:fs/promises";
import { promisify } from "node:util";
import { inflateRaw } from "node:zlib";
import { pack, type Pack } from "tar-stream";
import { ServiceError } from "../errors";

const inflate = promisify(inflateRaw);

const EOCD_SIGNATURE = 0x06054b50;
const CENTRAL_SIGNATURE = 0x02014b50;
const LOCAL_SIGNATURE = 0x04034b50;
const MAX_COMMENT = 0xffff;

export interface ZipEntry {
  name: string;
  method: number;
  compressedSize: number;
  size: number;
  localHeaderOffset: number;
  /** unix mode with file type bits, when the archive was made on Unix */
  unixMode: number | null;
  modified: Date;
  flags: number;
}

function invalid(message: string): ServiceError {
  return new ServiceError("InvalidArgument", `The zip archive cannot be read: ${message}.`);
}

async function readAt(file: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.alloc(length);
  const { bytesRead } = await file.read(buffer, 0, length, position);
  if (bytesRead !== length) throw invalid("it ends early");
  return buffer;
}

function dosTime(date: number, time: number): Date {
  return new Date(Date.UTC(1980 + (date >> 9), ((date >> 5) & 15) - 1, date & 31, time >> 11, (time >> 5) & 63, (time & 31) * 2));
}

/** The entries of the zip at `path`, from its central directory. */
export async function readZipEntries(file: FileHandle): Promise<ZipEntry[]> {
  const { size } = await file.stat();
  const tailLength = Math.min(size, 22 + MAX_COMMENT);
  const tail = await readAt(file, size - tailLength, tailLength);
  let eocd = -1;
  for (let i = tail.length - 22; i >= 0; i--) {
    if (tail.readUInt32LE(i) === EOCD_SIGNATURE) { eocd = i; break; }
  }
  if (eocd < 0) throw invalid("it has no end-of-central-directory record (not a zip file?)");
  const count = tail.readUInt16LE(eocd + 10);
  const dirSize = tail.readUInt32LE(eocd + 12);
  const dirOffset = tail.readUInt32LE(eocd + 16);
  if (count === 0xffff || dirOffset === 0xffffffff) throw invalid("ZIP64 archives are not supported; use a .tar or .tar.gz");
  const dir = await readAt(file, dirOffset, dirSize);

  const entries: ZipEntry[] = [];
  let at = 0;
  for (let i = 0; i < count; i++) {
    if (dir.readUInt32LE(at) !== CENTRAL_SIGNATURE) throw invalid("its central directory is damaged");
    const madeBy = dir.readUInt16LE(at + 4) >> 8;
    const nameLength = dir.readUInt16LE(at + 28);
    const extraLength = dir.readUInt16LE(at + 30);
    const commentLength = dir.readUInt16LE(at + 32);
    const external = dir.readUInt32LE(at + 38);
    entries.push({
      flags: dir.readUInt16LE(at + 8),
      method: dir.readUInt16LE(at + 10),
      modified: dosTime(dir.readUInt16LE(at + 14), dir.readUInt16LE(at + 12)),
      compressedSize: dir.readUInt32LE(at + 20),
      size: dir.readUInt32LE(at + 24),
      localHeaderOffset: dir.readUInt32LE(at + 42),
      name: dir.toString("utf8", at + 46, at + 46 + nameLength),
      unixMode: madeBy === 3 ? external >>> 16 : null,
    });
    at += 46 + nameLength + extraLength + commentLength;
  }
  return entries;
}

async function entryData(file: FileHandle, entry: ZipEntry): Promise<Buffer> {
  if (entry.flags & 1) throw invalid(`${entry.name} is encrypted`);
  const header = await readAt(file, entry.localHeaderOffset, 30);
  if (header.readUInt32LE(0) !== LOCAL_SIGNATURE) throw invalid(`the local header of ${entry.name} is damaged`);
  const start = entry.localHeaderOffset + 30 + header.readUInt16LE(26) + header.readUInt16LE(28);
  const raw = await readAt(file, start, entry.compressedSize);
  if (entry.method === 0) return raw;
  if (entry.method === 8) {
    const data = await inflate(raw).catch(() => { throw invalid(`${entry.name} does not inflate`); });
    if (data.length !== entry.size) throw invalid(`${entry.name} has the wrong size`);
    return data;
  }
  throw invalid(`${entry.name} uses compression method ${entry.method} (only stored and deflate are supported)`);
}

function safeName(name: string): string {
  const clean = name.replace(/\\/g, "/");
  if (clean.startsWith("/") || clean.split("/").includes("..")) throw invalid(`the entry ${name} points outside the archive`);
  return clean;
}

const S_IFMT = 0o170000;
const S_IFLNK = 0o120000;
const S_IFDIR = 0o040000;

async function addEntry(tar: Pack, file: FileHandle, entry: ZipEntry): Promise<void> {
  const name = safeName(entry.name);
  const type = entry.unixMode !== null ? entry.unixMode & S_IFMT : 0;
  const isDir = name.endsWith("/") || type === S_IFDIR;
  const permissions = entry.unixMode !== null && entry.unixMode & 0o7777 ? entry.unixMode & 0o7777 : isDir ? 0o755 : 0o644;
  const common = { name: isDir ? name.replace(/\/$/, "") : name, mode: permissions, mtime: entry.modified };
  if (isDir) {
    tar.entry({ ...common, type: "directory" });
    return;
  }
  const data = await entryData(file, entry);
  if (type === S_IFLNK) tar.entry({ ...common, type: "symlink", linkname: data.toString("utf8") });
  else await new Promise<void>((resolve, reject) => tar.entry({ ...common, type: "file", size: data.length }, data, (err) => (err ? reject(err) : resolve())));
}

/**
 * The zip at `path` as a tar stream. The stream errors (with an InvalidArgument ServiceError) if the zip turns out
 * damaged part way; entries are read one at a time, so memory holds one entry, not the archive.
 */
export async function zipToTar(path: string): Promise<Pack> {
  const file = await open(path, "r");
  let entries: ZipEntry[];
  try {
    entries = await readZipEntries(file);
  } catch (err) {
    await file.close();
    throw err;
  }
  const tar = pack();
  void (async () => {
    try {
      for (const entry of entries) await addEntry(tar, file, entry);
      tar.finalize();
    } catch (err) {
      tar.destroy(err as Error);
    } finally {
      await file.close();
    }
  })();
  return tar;
}
