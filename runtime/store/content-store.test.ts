import { readdir, readFile } from "node:fs/promises";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { tempDir } from "../testing/temp.js";
import { ContentStore } from "./content-store.js";
import { digestOf } from "./digest.js";

let dir: { path: string; cleanup(): Promise<void> };
let layout: Layout;
let store: ContentStore;

beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
  store = new ContentStore(layout);
  await store.init();
});
afterEach(() => dir.cleanup());

const chunks = (...parts: string[]) => Readable.from(parts.map((p) => Buffer.from(p)));

describe("content store", () => {
  it("stores a blob under its digest once it verifies, streamed in chunks", async () => {
    const digest = digestOf("hello world");
    expect(await store.has(digest)).toBe(false);
    const r = await store.write(chunks("hello ", "world"), { digest, size: 11 });
    expect(r).toEqual({ size: 11, created: true });
    expect(await store.has(digest)).toBe(true);
    expect((await store.readBytes(digest)).toString()).toBe("hello world");
    expect(await readFile(layout.blobPath(digest), "utf8")).toBe("hello world");
    expect(await readdir(layout.ingestDir())).toEqual([]);
  });

  it("writing a blob it already has verifies the bytes and reports created: false", async () => {
    const digest = digestOf("x");
    await store.write(chunks("x"), { digest });
    expect(await store.write(chunks("x"), { digest })).toEqual({ size: 1, created: false });
    await expect(store.write(chunks("y"), { digest })).rejects.toMatchObject({ kind: "DataCorruption" });
  });

  it("refuses bytes that do not match the digest, naming the blob, and leaves nothing behind", async () => {
    const digest = digestOf("expected");
    const err = await store.write(chunks("tampered"), { digest, role: "layer" }).catch((e) => e);
    expect(err).toMatchObject({ kind: "DataCorruption" });
    expect(err.message).toContain(`layer ${digest}`);
    expect(await store.has(digest)).toBe(false);
    expect(await readdir(layout.ingestDir())).toEqual([]);
    expect(await readdir(layout.blobsDir())).toEqual([]);
  });

  it("refuses a size that differs from the descriptor's", async () => {
    const digest = digestOf("abc");
    await expect(store.write(chunks("abc"), { digest, size: 4 })).rejects.toMatchObject({ kind: "DataCorruption" });
    expect(await store.has(digest)).toBe(false);
  });

  it("refuses malformed digests", async () => {
    await expect(store.write(chunks("x"), { digest: "sha256:abc" })).rejects.toMatchObject({ kind: "InvalidArgument" });
    await expect(store.has("md5:x")).rejects.toMatchObject({ kind: "InvalidArgument" });
  });

  it("reads, lists and deletes", async () => {
    const digest = digestOf("data");
    await store.write(chunks("data"), { digest });
    expect(await store.list()).toEqual([digest]);
    let text = "";
    for await (const c of await store.open(digest)) text += c;
    expect(text).toBe("data");
    await store.delete(digest);
    await store.delete(digest);
    expect(await store.has(digest)).toBe(false);
    await expect(store.open(digest)).rejects.toMatchObject({ kind: "NotFound" });
  });

  it("a failing source stream leaves no partial blob", async () => {
    const digest = digestOf("whole");
    const failing = Readable.from(
      (async function* () {
        yield Buffer.from("who");
        throw new Error("connection reset");
      })(),
    );
    await expect(store.write(failing, { digest })).rejects.toThrow("connection reset");
    expect(await readdir(layout.ingestDir())).toEqual([]);
    expect(await store.has(digest)).toBe(false);
  });
});
