/**
 * Spooling an uploaded archive: the tar stream of `docker load` is read once, front to back, and every regular file
 * in it is written to a private scratch directory (tmp/load-<random>/) while its sha256 is computed. Nothing is held in
 * memory but the index of names, so archives larger than memory load fine, and the formats (whose index files may
 * come last, as in `docker save`) can then be read in any order.
 *
 * The archive's own names never become paths: entries are stored as numbered files, so a hostile name cannot place
 * anything anywhere. Symlinks and hardlinks between entries (docker save links repeated layers) are kept as aliases.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rm } from "node:fs/promises";
import { join, posix } from "node:path";
import type { Readable } from "node:stream";
import { extract as tarExtract } from "tar-stream";
import { EngineError, invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import { digestOfHash, sha256Hasher } from "../store/digest.js";
import { openLayerStream } from "../snapshot/layer-stream.js";

/** Names of spool directories in tmp/; leftovers of a crash are removed by the image store's init(). */
export const SPOOL_PREFIX = "load-";

/** Small JSON files (index.json, manifests, configs) are read into memory; anything bigger is refused. */
const MAX_JSON_BYTES = 8 << 20;

export interface SpooledFile {
  /** path of the spooled copy */
  file: string;
  size: number;
  /** sha256 of the content as it was spooled */
  digest: string;
}

export class SpooledArchive {
  private constructor(
    readonly dir: string,
    private readonly files: Map<string, SpooledFile>,
    private readonly aliases: Map<string, string>,
  ) {}

  /** Reads a whole archive (plain or gzip-compressed tar) into a new spool directory. */
  static async read(archive: Readable, layout: Layout): Promise<SpooledArchive> {
    const dir = join(layout.tmpDir(), `${SPOOL_PREFIX}${randomBytes(8).toString("hex")}`);
    await mkdir(dir, { recursive: true });
    const files = new Map<string, SpooledFile>();
    const aliases = new Map<string, string>();
    let plain: Readable | undefined;
    try {
      plain = await openLayerStream(archive, "archive");
      const extract = tarExtract();
      plain.on("error", (err) => extract.destroy(err));
      plain.pipe(extract as unknown as NodeJS.WritableStream);
      let n = 0;
      for await (const entry of extract) {
        const name = normalise(entry.header.name);
        const type = entry.header.type;
        if (type === "file" || type === "contiguous-file") {
          const file = join(dir, String(n++));
          const fh = await open(file, "wx", 0o600);
          const hash = sha256Hasher();
          let size = 0;
          try {
            for await (const chunk of entry as unknown as AsyncIterable<Buffer>) {
              hash.update(chunk);
              size += chunk.length;
              await fh.write(chunk);
            }
          } finally {
            await fh.close();
          }
          files.set(name, { file, size, digest: digestOfHash(hash) });
          aliases.delete(name);
        } else if (type === "symlink" || type === "link") {
          const target = entry.header.linkname ?? "";
          aliases.set(name, type === "symlink" ? posix.join(posix.dirname(name), target) : target);
        }
        entry.resume();
      }
    } catch (err) {
      // Stops our decompression, not the caller's stream: the API edge still answers on that connection.
      plain?.destroy();
      await rm(dir, { recursive: true, force: true });
      if (err instanceof EngineError) throw err;
      throw invalidArgument(`invalid archive: ${(err as Error).message}`);
    }
    return new SpooledArchive(dir, files, aliases);
  }

  /** The entry at `name` (following aliases), or undefined. */
  get(name: string): SpooledFile | undefined {
    let key = normalise(name);
    for (let hops = 0; hops < 16; hops++) {
      const file = this.files.get(key);
      if (file) return file;
      const next = this.aliases.get(key);
      if (next === undefined) return undefined;
      key = normalise(next);
    }
    return undefined;
  }

  has(name: string): boolean {
    return this.get(name) !== undefined;
  }

  open(entry: SpooledFile): Readable {
    return createReadStream(entry.file);
  }

  /** Parses a JSON entry; InvalidArgument when missing, too big or not JSON. */
  async json<T>(name: string, what = name): Promise<T> {
    const entry = this.get(name);
    if (!entry) throw invalidArgument(`invalid archive: ${what} not found`);
    return parseJson<T>(await this.readSmall(entry, what), what);
  }

  async readSmall(entry: SpooledFile, what: string): Promise<Buffer> {
    if (entry.size > MAX_JSON_BYTES) throw invalidArgument(`invalid archive: ${what} is too large (${entry.size} bytes)`);
    return readFile(entry.file);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export function parseJson<T>(bytes: Buffer, what: string): T {
  try {
    return JSON.parse(bytes.toString("utf8")) as T;
  } catch {
    throw invalidArgument(`invalid archive: ${what} is not valid JSON`);
  }
}

/** `./blobs/sha256/x` and `blobs/sha256/x` are the same entry. */
function normalise(name: string): string {
  return posix.normalize(`/${name}`).slice(1).replace(/\/$/, "");
}
