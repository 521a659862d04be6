/**
 * Uploaded build contexts: a tar, a .tar.gz or a .zip becomes one stored tar with its Dockerfile read out; what is
 * over the size limit (as uploaded, or once unpacked) is refused and leaves nothing behind; the tar sent to the
 * engine carries the editor's Dockerfile.
 */
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { deflateRawSync, gzipSync } from "node:zlib";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { extract, pack } from "tar-stream";
import { contextFile, contextForBuild, ContextTooLarge, receiveContext } from "./build-context";

interface FileSpec { name: string; content: string; mode?: number }

async function tarOf(files: FileSpec[]): Promise<Buffer> {
  const out = pack();
  for (const f of files) out.entry({ name: f.name, mode: f.mode ?? 0o644 }, f.content);
  out.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of out) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** A minimal zip writer (stored or deflated entries, Unix modes), as `zip` or a file manager would make one. */
function zipOf(files: FileSpec[], deflate = true): Buffer {
  const locals: Buffer[] = [];
  const centrals: Buffer[] = [];
  let offset = 0;
  for (const f of files) {
    const name = Buffer.from(f.name);
    const data = Buffer.from(f.content);
    const body = deflate ? deflateRawSync(data) : data;
    const local = Buffer.alloc(30);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4);
    local.writeUInt16LE(deflate ? 8 : 0, 8);
    local.writeUInt32LE(body.length, 18);
    local.writeUInt32LE(data.length, 22);
    local.writeUInt16LE(name.length, 26);
    const central = Buffer.alloc(46);
    central.writeUInt32LE(0x02014b50, 0);
    central.writeUInt16LE((3 << 8) | 20, 4);
    central.writeUInt16LE(deflate ? 8 : 0, 10);
    central.writeUInt16LE(0x21, 14); // 1980-01-01
    central.writeUInt32LE(body.length, 20);
    central.writeUInt32LE(data.length, 24);
    central.writeUInt16LE(name.length, 28);
    central.writeUInt32LE(((0o100000 | (f.mode ?? 0o644)) << 16) >>> 0, 38);
    central.writeUInt32LE(offset, 42);
    locals.push(local, name, body);
    centrals.push(central, name);
    offset += 30 + name.length + body.length;
  }
  const dir = Buffer.concat(centrals);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(files.length, 8);
  end.writeUInt16LE(files.length, 10);
  end.writeUInt32LE(dir.length, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...locals, dir, end]);
}

async function entriesOf(stream: NodeJS.ReadableStream): Promise<Record<string, { content: string; mode: number }>> {
  const out: Record<string, { content: string; mode: number }> = {};
  const reader = extract();
  reader.on("entry", (header, body, next) => {
    const chunks: Buffer[] = [];
    body.on("data", (c: unknown) => chunks.push(c as Buffer));
    body.on("end", () => {
      out[header.name] = { content: Buffer.concat(chunks).toString(), mode: header.mode ?? 0 };
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    reader.on("finish", resolve);
    reader.on("error", reject);
    stream.pipe(reader);
  });
  return out;
}

const files: FileSpec[] = [
  { name: "Dockerfile", content: "FROM busybox:1.38.0-glibc\nCOPY app.txt /app.txt\n" },
  { name: "app.txt", content: "hello from the context\n" },
  { name: "bin/run.sh", content: "#!/bin/sh\necho run\n", mode: 0o755 },
];

let dir: string;
beforeEach(() => { dir = mkdtempSync(join(tmpdir(), "hako-build-context-")); });
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const body = (bytes: Buffer) => Readable.from([bytes]);
const MiB = 1024 * 1024;

describe("build context upload", () => {
  it.each([
    ["a tar", async () => tarOf(files)],
    ["a .tar.gz", async () => gzipSync(await tarOf(files))],
    ["a deflated .zip", async () => zipOf(files)],
    ["a stored .zip", async () => zipOf(files, false)],
  ])("stores %s as a plain tar and reads its Dockerfile", async (_what, make) => {
    const stored = await receiveContext(body(await make()), { limit: MiB, dir });
    expect(stored.dockerfile).toBe(files[0]?.content);
    expect(stored.entries).toBe(3);
    const tar = await entriesOf(contextForBuild(contextFile(dir, stored.id), "Dockerfile", files[0]?.content ?? ""));
    expect(tar["app.txt"]?.content).toBe("hello from the context\n");
    expect(tar["bin/run.sh"]).toEqual({ content: "#!/bin/sh\necho run\n", mode: 0o755 });
  });

  it("refuses an upload over the limit by its declared size, before reading it", async () => {
    await expect(receiveContext(body(Buffer.alloc(10)), { limit: MiB, dir, declaredSize: 2 * MiB })).rejects.toThrow(
      /over the size limit of 1 MiB .*HAKO_BUILD_CONTEXT_LIMIT/,
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses an upload that turns out over the limit as it arrives, and keeps nothing", async () => {
    const big = await tarOf([{ name: "big.bin", content: "x".repeat(2 * MiB) }]);
    const error = await receiveContext(body(big), { limit: MiB, dir }).catch((err: unknown) => err);
    expect(error).toBeInstanceOf(ContextTooLarge);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses a small archive that unpacks to more than the limit (a zip or gzip bomb)", async () => {
    const tar = await tarOf([{ name: "zeros", content: "\0".repeat(3 * MiB) }]);
    expect(gzipSync(tar).length).toBeLessThan(MiB);
    await expect(receiveContext(body(gzipSync(tar)), { limit: MiB, dir })).rejects.toThrow(/unpacks to more as a tar/);
    await expect(receiveContext(body(zipOf([{ name: "zeros", content: "\0".repeat(3 * MiB) }])), { limit: MiB, dir })).rejects.toThrow(/unpacks/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("refuses what is not an archive, and a zip entry that points outside", async () => {
    await expect(receiveContext(body(Buffer.from("just some text, not a tar")), { limit: MiB, dir })).rejects.toThrow(/not a tar, .tar.gz or .zip/);
    await expect(receiveContext(body(zipOf([{ name: "../escape", content: "x" }])), { limit: MiB, dir })).rejects.toThrow(/points outside/);
    expect(readdirSync(dir)).toEqual([]);
  });

  it("sends the editor's Dockerfile in place of the context's, or alone when there is no context", async () => {
    const stored = await receiveContext(body(await tarOf(files)), { limit: MiB, dir });
    const edited = "FROM busybox:1.38.0-glibc\nRUN echo edited\n";
    const tar = await entriesOf(contextForBuild(contextFile(dir, stored.id), "Dockerfile", edited));
    expect(Object.keys(tar).sort()).toEqual(["Dockerfile", "app.txt", "bin/run.sh"]);
    expect(tar.Dockerfile?.content).toBe(edited);
    expect(await entriesOf(contextForBuild(null, "build/Dockerfile.dev", edited))).toEqual({ "build/Dockerfile.dev": { content: edited, mode: 0o644 } });
  });
});
