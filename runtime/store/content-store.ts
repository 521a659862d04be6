/**
 * The content store: blobs (manifests, indexes, configs, compressed layers) addressed by their digest.
 *
 * Lifecycle of a blob: `write` streams it into content/ingest/<random> while hashing; when the stream ends the digest
 * (and size, when known) is compared with the expected one, the file is fsynced and renamed to
 * content/blobs/sha256/<hex>. A blob is therefore visible only once verified, and a crash mid-write leaves at most an
 * ingest file, which `init` removes. A source that verified a blob itself while receiving it (a pull) hands the file
 * over instead (`adopt`): it is synced and renamed into blobs/ without being read again.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { chmod, mkdir, open, readdir, readFile, rename, rm, stat, unlink } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { dataCorruption, notFound } from "../errors.js";
import type { Layout } from "../layout.js";
import { fsyncDir } from "./atomic-file.js";
import { digestOfHash, isDigest, parseDigest, sha256Hasher } from "./digest.js";

export interface ExpectedBlob {
  digest: string;
  /** bytes, when a descriptor gives it */
  size?: number;
  /** what the blob is, for error messages: "config", "layer", "manifest" … */
  role?: string;
}

export interface WriteResult {
  size: number;
  /** false when the blob was already present (the content was still verified) */
  created: boolean;
}

export class ContentStore {
  constructor(private readonly layout: Layout) {}

  /** Creates the directories and drops ingest files of interrupted writes. */
  async init(): Promise<void> {
    await mkdir(this.layout.blobsDir(), { recursive: true });
    await rm(this.layout.ingestDir(), { recursive: true, force: true });
    await mkdir(this.layout.ingestDir(), { recursive: true });
  }

  path(digest: string): string {
    return this.layout.blobPath(parseDigest(digest));
  }

  async has(digest: string): Promise<boolean> {
    try {
      return (await stat(this.path(digest))).isFile();
    } catch (err) {
      if (isNoEntry(err)) return false;
      throw err;
    }
  }

  async size(digest: string): Promise<number> {
    try {
      return (await stat(this.path(digest))).size;
    } catch (err) {
      if (isNoEntry(err)) throw notFound(`blob ${digest} not found`);
      throw err;
    }
  }

  /** A stream of the blob's bytes in [start, end) (default: all of them); NotFound when absent. */
  async open(digest: string, start = 0, end = Infinity): Promise<Readable> {
    const path = this.path(digest);
    await this.size(digest);
    // 1 MiB reads: a fraction of the system calls of the 64 KiB default, which shows on big layers
    return createReadStream(path, { highWaterMark: 1 << 20, start, end: end - 1 });
  }

  async readBytes(digest: string): Promise<Buffer> {
    try {
      return await readFile(this.path(digest));
    } catch (err) {
      if (isNoEntry(err)) throw notFound(`blob ${digest} not found`);
      throw err;
    }
  }

  /**
   * Streams `source` into the store as the blob `expected.digest`. DataCorruption (naming the blob) when the bytes
   * do not hash to it or the size differs; the partial file is removed then.
   */
  async write(source: AsyncIterable<Uint8Array>, expected: ExpectedBlob): Promise<WriteResult> {
    const target = this.path(expected.digest);
    const label = `${expected.role ?? "blob"} ${expected.digest}`;
    const ingest = join(this.layout.ingestDir(), randomBytes(12).toString("hex"));
    const fh = await open(ingest, "wx", 0o444);
    const hash = sha256Hasher();
    let size = 0;
    try {
      for await (const chunk of source) {
        hash.update(chunk);
        size += chunk.length;
        await fh.write(chunk);
      }
      const actual = digestOfHash(hash);
      if (actual !== expected.digest) {
        throw dataCorruption(`digest mismatch for ${label}: the content hashes to ${actual}`);
      }
      if (expected.size !== undefined && expected.size !== size) {
        throw dataCorruption(`size mismatch for ${label}: expected ${expected.size} bytes, got ${size}`);
      }
      await fh.sync();
    } catch (err) {
      await fh.close();
      await unlink(ingest).catch(() => {});
      throw err;
    }
    await fh.close();
    if (await this.has(expected.digest)) {
      await unlink(ingest);
      return { size, created: false };
    }
    await rename(ingest, target);
    await fsyncDir(this.layout.blobsDir());
    return { size, created: true };
  }

  /**
   * Moves `file` into the store as the blob `expected.digest` instead of copying it: for a source that hashed the
   * bytes as they arrived and found `expected` (a registry pull), so hashing again would only cost time. `file`
   * must be on the data root's filesystem and nobody may write it any more. The size is checked; the file is synced
   * before it becomes visible, as `write` does.
   */
  async adopt(file: string, expected: ExpectedBlob): Promise<WriteResult> {
    const label = `${expected.role ?? "blob"} ${expected.digest}`;
    // present already (or moved in by an earlier layer of the same image): the source's copy is left to it
    if (await this.has(expected.digest)) return { size: await this.size(expected.digest), created: false };
    const fh = await open(file, "r");
    let size: number;
    try {
      size = (await fh.stat()).size;
      if (expected.size !== undefined && expected.size !== size) {
        throw dataCorruption(`size mismatch for ${label}: expected ${expected.size} bytes, got ${size}`);
      }
      await fh.sync();
    } finally {
      await fh.close();
    }
    await chmod(file, 0o444);
    await rename(file, this.path(expected.digest));
    await fsyncDir(this.layout.blobsDir());
    return { size, created: true };
  }

  /** Removes a blob; absent blobs are fine (removal is idempotent). */
  async delete(digest: string): Promise<void> {
    await unlink(this.path(digest)).catch((err: unknown) => {
      if (!isNoEntry(err)) throw err;
    });
  }

  async list(): Promise<string[]> {
    const names = await readdir(this.layout.blobsDir());
    return names.map((hex) => `sha256:${hex}`).filter(isDigest);
  }
}

export function isNoEntry(err: unknown): boolean {
  return (err as NodeJS.ErrnoException | undefined)?.code === "ENOENT";
}
