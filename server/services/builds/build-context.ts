/**
 * Build contexts uploaded through the console, kept until a build uses them. An upload is a tar, a gzip'd tar or a
 * zip (the format is read from its first bytes, not from its name); each is stored as a plain tar under
 * `<console data>/build-contexts/<id>.tar`, which is what the engine is sent. The size limit (./context-limit.ts)
 * bounds the upload as it arrives and the tar it becomes; going over it stops the upload at once and stores nothing.
 *
 * A build sends the stored tar with its Dockerfile replaced by the one in the editor (added when the context has none),
 * so what was built is exactly what the user saw.
 */
import { randomBytes } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, open, readdir, rename, rm, stat } from "node:fs/promises";
import path from "node:path";
import { PassThrough, Readable, Transform, type TransformCallback } from "node:stream";
import { pipeline } from "node:stream/promises";
import { createGunzip } from "node:zlib";
import { extract, pack } from "tar-stream";
import { consoleDataDir } from "../../db";
import { ServiceError } from "../errors";
import { limitText } from "./context-limit";
import { zipToTar } from "./zip-to-tar";

/** Dockerfiles larger than this are not shown in the editor (nor are they sensible). */
export const DOCKERFILE_LIMIT = 1024 * 1024;
/** Uploads nobody has built from for this long are removed (a build touches its upload). */
const UNUSED_CONTEXT_MS = 24 * 3600 * 1000;

export class ContextTooLarge extends ServiceError {
  constructor(limit: number, what: string) {
    super("InvalidArgument", `The build context is over the size limit of ${limitText(limit)} (${what}). ` +
      "Leave out what the build does not need (a .dockerignore does not shrink the upload), or ask an admin to raise HAKO_BUILD_CONTEXT_LIMIT.");
  }
}

export interface StoredContext {
  id: string;
  /** bytes of the stored tar */
  size: number;
  /** files, directories and links in it */
  entries: number;
  /** the context's ./Dockerfile, when it has one (and it is text of a sensible size) */
  dockerfile: string | null;
}

export function contextsDir(): string {
  return path.join(consoleDataDir(), "build-contexts");
}

const ID = /^[0-9a-f]{32}$/;

export function contextFile(dir: string, id: string): string {
  if (!ID.test(id)) throw new ServiceError("InvalidArgument", "That is not a build context id.");
  return path.join(dir, `${id}.tar`);
}

/** Counts bytes through it; past `limit` it fails the pipeline with ContextTooLarge. */
function sizeGuard(limit: number, what: string): Transform & { bytes: number } {
  const guard = new Transform({
    transform(chunk: Buffer, _encoding, done: TransformCallback) {
      guard.bytes += chunk.length;
      if (guard.bytes > limit) done(new ContextTooLarge(limit, what));
      else done(null, chunk);
    },
  }) as Transform & { bytes: number };
  guard.bytes = 0;
  return guard;
}

type Sniffed = "tar" | "gzip" | "zip";

async function sniff(file: string): Promise<Sniffed> {
  const handle = await open(file, "r");
  try {
    const head = Buffer.alloc(4);
    await handle.read(head, 0, 4, 0);
    if (head[0] === 0x1f && head[1] === 0x8b) return "gzip";
    if (head.toString("latin1", 0, 2) === "PK") return "zip";
    return "tar";
  } finally {
    await handle.close();
  }
}

/**
 * Stores an upload. `declaredSize` (Content-Length) lets an oversized upload be refused before any byte is read.
 * Not a valid tar/tar.gz/zip: InvalidArgument; over the limit: ContextTooLarge. Either way nothing is kept.
 */
export async function receiveContext(body: AsyncIterable<Uint8Array>, options: { limit: number; dir?: string; declaredSize?: number | null }): Promise<StoredContext> {
  const { limit } = options;
  if (options.declaredSize && options.declaredSize > limit) throw new ContextTooLarge(limit, `the upload is ${limitText(options.declaredSize)}`);
  const dir = options.dir ?? contextsDir();
  await mkdir(dir, { recursive: true, mode: 0o700 });
  void sweepUnused(dir);
  const id = randomBytes(16).toString("hex");
  const upload = path.join(dir, `${id}.upload`);
  const tar = contextFile(dir, id);
  try {
    await pipeline(Readable.from(body), sizeGuard(limit, "the upload is larger"), createWriteStream(upload, { mode: 0o600 }));
    const format = await sniff(upload);
    if (format === "tar") {
      await rename(upload, tar);
    } else {
      const source = format === "gzip" ? createReadStream(upload).pipe(createGunzip()) : await zipToTar(upload);
      await pipeline(source, sizeGuard(limit, `it unpacks to more as a tar`), createWriteStream(tar, { mode: 0o600 })).catch((err: unknown) => {
        if (err instanceof ServiceError) throw err;
        throw new ServiceError("InvalidArgument", `The ${format === "gzip" ? ".tar.gz" : ".zip"} file cannot be read: ${(err as Error).message}.`);
      });
      await rm(upload, { force: true });
    }
    const scanned = await scanTar(tar);
    return { id, size: (await stat(tar)).size, ...scanned };
  } catch (err) {
    await rm(upload, { force: true });
    await rm(tar, { force: true });
    throw err;
  }
}

function isDockerfile(name: string): boolean {
  return name.replace(/^\.\//, "") === "Dockerfile";
}

/** Checks that the tar reads to its end, counts its entries and reads its ./Dockerfile. */
async function scanTar(file: string): Promise<{ entries: number; dockerfile: string | null }> {
  let entries = 0;
  let dockerfile: string | null = null;
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    entries += 1;
    const chunks: Buffer[] = [];
    const keep = header.type === "file" && isDockerfile(header.name) && (header.size ?? 0) <= DOCKERFILE_LIMIT;
    stream.on("data", (chunk: unknown) => { if (keep) chunks.push(chunk as Buffer); });
    stream.on("end", () => {
      if (keep) dockerfile = Buffer.concat(chunks).toString("utf8");
      next();
    });
  });
  try {
    await pipeline(createReadStream(file), reader);
  } catch (err) {
    throw new ServiceError("InvalidArgument", `The upload is not a tar, .tar.gz or .zip archive (${(err as Error).message}).`);
  }
  return { entries, dockerfile };
}

/**
 * The tar to send to the engine: the stored context (none: an empty one) with `dockerfilePath` holding `dockerfile`.
 */
export function contextForBuild(file: string | null, dockerfilePath: string, dockerfile: string): NodeJS.ReadableStream {
  const out = pack();
  const content = Buffer.from(dockerfile, "utf8");
  const target = dockerfilePath.replace(/^\.\//, "");
  const addDockerfile = () => out.entry({ name: target, mode: 0o644, size: content.length, mtime: new Date(0) }, content);
  if (!file) {
    addDockerfile();
    out.finalize();
    return out.pipe(new PassThrough());
  }
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    if (header.name.replace(/^\.\//, "") === target) {
      stream.resume();
      stream.on("end", next);
      return;
    }
    stream.pipe(out.entry(header, next));
  });
  reader.on("finish", () => {
    addDockerfile();
    out.finalize();
  });
  const result = new PassThrough();
  const fail = (err: Error) => result.destroy(err);
  const source = createReadStream(file);
  source.on("error", fail);
  reader.on("error", fail);
  out.on("error", fail);
  source.pipe(reader);
  return out.pipe(result);
}

async function sweepUnused(dir: string): Promise<void> {
  const names = await readdir(dir).catch(() => [] as string[]);
  const now = Date.now();
  for (const name of names) {
    const file = path.join(dir, name);
    const info = await stat(file).catch(() => null);
    if (info && now - info.mtimeMs > UNUSED_CONTEXT_MS) await rm(file, { force: true }).catch(() => undefined);
  }
}
