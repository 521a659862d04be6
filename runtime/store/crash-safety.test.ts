/**
 * What a kill -9 in the middle of a load or remove can leave, planted by hand, and what init() makes of it: every
 * half-written thing disappears, every committed image stays.
 */
import { createReadStream } from "node:fs";
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { busyboxOciArchive, busyboxOciLayout } from "../testing/fixtures.js";
import { tempDir, treeOf } from "../testing/temp.js";
import { digestOf } from "./digest.js";
import { LocalImageStore } from "./local-image-store.js";
import { ReferenceStore } from "./refs.js";

let dir: { path: string; cleanup(): Promise<void> };
let layout: Layout;

beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
});
afterEach(() => dir.cleanup());

describe("restart after a crash", () => {
  it("init removes ingest files, tmp-* snapshots, temp files, spool dirs and unreferenced blobs/snapshots; keeps images", async () => {
    const fixture = await busyboxOciLayout();
    const store = new LocalImageStore(layout);
    await store.init();
    await store.load(createReadStream(await busyboxOciArchive()), () => {});
    const committed = await treeOf(dir.path);

    await writeFile(join(layout.ingestDir(), "0123abcd"), "half a blob");
    await mkdir(join(layout.snapshotsDir(), "tmp-0badc0de", "fs", "bin"), { recursive: true });
    await writeFile(join(layout.snapshotsDir(), "tmp-0badc0de", "fs", "bin", "half"), "x");
    await writeFile(join(layout.tmpDir(), "atomic-5eed"), '{"version": 1, "refs": {');
    await mkdir(join(layout.tmpDir(), "load-feed", "x"), { recursive: true });
    // A load that committed a blob and a snapshot but died before writing the image record.
    await writeFile(layout.blobPath(digestOf("orphan")), "orphan");
    await mkdir(layout.snapshotFs(digestOf("orphan layer")), { recursive: true });
    await writeFile(layout.snapshotMeta(digestOf("orphan layer")), "{}");
    // Something else's file in tmp/ is not ours to remove.
    await writeFile(join(layout.tmpDir(), "other-component"), "keep");

    const restarted = new LocalImageStore(layout);
    await restarted.init();
    expect(await treeOf(dir.path)).toEqual([...committed, "tmp/other-component (file 4)"].sort());
    expect((await restarted.resolve(fixture.name)).id).toBe(fixture.imageId);
  });

  it("a reference to an image whose record is missing is dropped at init", async () => {
    const refs = new ReferenceStore(layout);
    await refs.init();
    await refs.update([["docker.io/library/ghost:1", { imageId: digestOf("ghost"), manifestDigest: digestOf("m") }]]);
    const store = new LocalImageStore(layout);
    await store.init();
    await expect(store.resolve("ghost:1")).rejects.toMatchObject({ kind: "NotFound" });
    expect(await readdir(layout.imagesDir())).toEqual(["refs.json"]);
  });
});
