/**
 * Unpacking in a worker thread (unpack-worker-pool.ts): the same tree, diff ID and refusals as unpacking on the main
 * thread (snapshot/layer-apply.ts), bytes sent with backpressure, and an abandoned unpack leaving nothing.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, readFile, readlink } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { unpackLayer } from "../../snapshot/snapshot-store.js";
import { digestOf } from "../../store/digest.js";
import { gzip, tarOf, type TarEntry } from "../../testing/tar-build.js";
import { tempDir, treeOf } from "../../testing/temp.js";
import { liveWorkers, WorkerUnpack } from "./unpack-worker-pool.js";

let tmp: { path: string; cleanup(): Promise<void> };
beforeEach(async () => {
  tmp = await tempDir("hako-unpack-worker-");
});
afterEach(() => tmp.cleanup());

const LABEL = "layer sha256:test";

/** Feeds `blob` in 64 KiB pieces (as a socket would), waiting when asked to; counts the waits. */
async function feed(unpack: WorkerUnpack, blob: Buffer): Promise<number> {
  let waits = 0;
  for (let at = 0; at < blob.length; at += 64 << 10) {
    const wait = unpack.write(blob.subarray(at, at + (64 << 10)));
    if (wait) {
      waits++;
      await wait;
    }
  }
  return waits;
}

describe("unpacking in a worker", () => {
  it("unpacks a gzip'd layer into <dir>/fs with the diff ID of the tar, in several runs under backpressure", async () => {
    const big = randomBytes(20 << 20);
    const entries: TarEntry[] = [
      { name: "etc/", type: "directory", mode: 0o755 },
      { name: "etc/hostname", content: "box\n" },
      { name: "big.bin", content: big },
      { name: "bin/sh", type: "symlink", linkname: "/bin/busybox" },
    ];
    const tar = await tarOf(entries);
    const dir = join(tmp.path, "layer.unpacked");
    const unpack = new WorkerUnpack(dir, LABEL, 2);
    // more than the in-flight bound (8 MiB) offered at once: the writer is told to wait at least once
    expect(await feed(unpack, gzip(tar))).toBeGreaterThan(0);
    const unpacked = await unpack.finish();
    expect(unpacked).toEqual({ dir, diffId: digestOf(tar), size: big.length + 4 });
    expect(await treeOf(join(dir, "fs"))).toEqual(["big.bin (file 20971520)", "bin (dir)", "bin/sh (link)", "etc (dir)", "etc/hostname (file 4)"]);
    expect((await readFile(join(dir, "fs", "big.bin"))).equals(big)).toBe(true);
    expect(await readlink(join(dir, "fs", "bin", "sh"))).toBe("/bin/busybox");
  });

  it("refuses a hostile layer with the same error kind and message as unpacking on the main thread", async () => {
    const hostile = gzip(await tarOf([{ name: "escape", type: "symlink", linkname: "/" }, { name: "escape/etc/evil", content: "x" }]));
    await mkdir(join(tmp.path, "here"));
    const here = await unpackLayer(Readable.from([hostile]), join(tmp.path, "here"), LABEL).catch((e: unknown) => e);
    const unpack = new WorkerUnpack(join(tmp.path, "there"), LABEL, 2);
    await feed(unpack, hostile);
    const there = await unpack.finish().catch((e: unknown) => e);
    expect(here).toMatchObject({ kind: "DataCorruption" });
    expect(there).toMatchObject({ kind: (here as { kind: string }).kind, message: (here as Error).message });
    await unpack.abandon();
    expect(existsSync(join(tmp.path, "there"))).toBe(false);
  });

  it("abandoned midway, removes what it unpacked", async () => {
    const tar = await tarOf([{ name: "a.bin", content: randomBytes(4 << 20) }, { name: "b.bin", content: randomBytes(4 << 20) }]);
    const dir = join(tmp.path, "gone.unpacked");
    const unpack = new WorkerUnpack(dir, LABEL, 2);
    await feed(unpack, tar.subarray(0, tar.length >> 1));
    await unpack.abandon();
    expect(existsSync(dir)).toBe(false);
  });

  it("several unpacks at once share a pool bounded by the number given", async () => {
    const tars = await Promise.all([1, 2, 3].map((n) => tarOf([{ name: `f${n}`, content: `file ${n}` }])));
    const unpacks = tars.map((_, i) => new WorkerUnpack(join(tmp.path, `l${i}`), LABEL, 2));
    expect(liveWorkers()).toBe(2);
    await Promise.all(unpacks.map((u, i) => feed(u, gzip(tars[i] as Buffer))));
    const done = await Promise.all(unpacks.map(async (u) => {
      const d = await u.finish();
      if (!d) throw new Error("the unpack worker stopped");
      return d;
    }));
    expect(done.map((d) => d.diffId)).toEqual(tars.map((t) => digestOf(t)));
    for (const [i, d] of done.entries()) expect(await readFile(join(d.dir, "fs", `f${i + 1}`), "utf8")).toBe(`file ${i + 1}`);
  });
});
