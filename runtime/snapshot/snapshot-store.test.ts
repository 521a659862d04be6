import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { digestOf } from "../store/digest.js";
import { gzip, tarOf, type TarEntry } from "../testing/tar-build.js";
import { tempDir } from "../testing/temp.js";
import { chainIdOf } from "./chain-id.js";
import { SnapshotStore } from "./snapshot-store.js";

let dir: { path: string; cleanup(): Promise<void> };
let layout: Layout;
let store: SnapshotStore;

beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
  store = new SnapshotStore(layout);
  await store.init();
});
afterEach(() => dir.cleanup());

async function layer(entries: TarEntry[]) {
  const tar = await tarOf(entries);
  return { blob: gzip(tar), diffId: digestOf(tar) };
}

describe("snapshots", () => {
  it("unpack commits a snapshot under its chain ID with meta.json", async () => {
    const l0 = await layer([{ name: "a", content: "A" }]);
    const l1 = await layer([{ name: "b", content: "BB" }]);
    const m0 = await store.unpack(Readable.from([l0.blob]), { digest: digestOf(l0.blob), diffId: l0.diffId, parent: null });
    const m1 = await store.unpack(Readable.from([l1.blob]), { digest: digestOf(l1.blob), diffId: l1.diffId, parent: m0.chainId });
    expect(m0).toEqual({ chainId: l0.diffId, diffId: l0.diffId, parent: null, size: 1 });
    expect(m1.chainId).toBe(chainIdOf(l0.diffId, l1.diffId));
    expect(m1.chainId).toBe(digestOf(`${l0.diffId} ${l1.diffId}`));
    expect(await store.has(m1.chainId)).toBe(true);
    expect(JSON.parse(await readFile(layout.snapshotMeta(m1.chainId), "utf8"))).toEqual(m1);
    expect(await readFile(join(store.fsDir(m1.chainId), "b"), "utf8")).toBe("BB");
    expect((await store.list()).sort()).toEqual([m0.chainId, m1.chainId].sort());
  });

  it("a layer that does not hash to the config's diff ID is refused and leaves nothing", async () => {
    const l = await layer([{ name: "a", content: "A" }]);
    const wrong = digestOf("something else");
    const err = await store.unpack(Readable.from([l.blob]), { digest: digestOf(l.blob), diffId: wrong, parent: null }).catch((e) => e);
    expect(err).toMatchObject({ kind: "DataCorruption" });
    expect(err.message).toContain(`layer ${digestOf(l.blob)}: diff ID mismatch`);
    expect(await readdir(layout.snapshotsDir())).toEqual([]);
  });

  it("a hostile layer leaves no half-unpacked snapshot", async () => {
    const l = await layer([{ name: "ok", content: "x" }, { name: "../../evil", content: "x" }]);
    await expect(store.unpack(Readable.from([l.blob]), { digest: digestOf(l.blob), diffId: l.diffId, parent: null })).rejects.toMatchObject({
      kind: "DataCorruption",
    });
    expect(await readdir(layout.snapshotsDir())).toEqual([]);
  });

  it("init removes interrupted unpacks (tmp-*) and uncommitted directories, keeps committed ones", async () => {
    const l = await layer([{ name: "a", content: "A" }]);
    const m = await store.unpack(Readable.from([l.blob]), { digest: digestOf(l.blob), diffId: l.diffId, parent: null });
    await mkdir(join(layout.snapshotsDir(), "tmp-deadbeef", "fs", "bin"), { recursive: true });
    await writeFile(join(layout.snapshotsDir(), "tmp-deadbeef", "fs", "bin", "half"), "half");
    await mkdir(join(layout.snapshotDir(digestOf("no meta")), "fs"), { recursive: true });
    await new SnapshotStore(layout).init();
    expect(await readdir(layout.snapshotsDir())).toEqual([m.chainId.slice(7)]);
  });

  it("remove is atomic (rename first) and idempotent", async () => {
    const l = await layer([{ name: "a", content: "A" }]);
    const m = await store.unpack(Readable.from([l.blob]), { digest: digestOf(l.blob), diffId: l.diffId, parent: null });
    await store.remove(m.chainId);
    await store.remove(m.chainId);
    expect(await readdir(layout.snapshotsDir())).toEqual([]);
  });

  it("real overlay mount of two snapshots: whiteouts delete, opaque directories hide the lower layer", async () => {
    const lower = await layer([
      { name: "etc/", type: "directory" },
      { name: "etc/gone.conf", content: "old" },
      { name: "etc/kept.conf", content: "kept" },
      { name: "data/", type: "directory" },
      { name: "data/old1", content: "1" },
      { name: "data/sub/old2", content: "2" },
      { name: "removed-dir/file", content: "x" },
    ]);
    const upper = await layer([
      { name: "etc/.wh.gone.conf", content: "" },
      { name: ".wh.removed-dir", content: "" },
      { name: "data/", type: "directory" },
      { name: "data/.wh..wh..opq", content: "" },
      { name: "data/new", content: "new" },
    ]);
    const m0 = await store.unpack(Readable.from([lower.blob]), { digest: digestOf(lower.blob), diffId: lower.diffId, parent: null });
    const m1 = await store.unpack(Readable.from([upper.blob]), { digest: digestOf(upper.blob), diffId: upper.diffId, parent: m0.chainId });
    const mnt = join(dir.path, "mnt");
    await mkdir(mnt);
    const lowerdirs = [store.fsDir(m1.chainId), store.fsDir(m0.chainId)].join(":");
    const mounted = spawnSync("mount", ["-t", "overlay", "overlay", "-o", `lowerdir=${lowerdirs}`, mnt], { encoding: "utf8" });
    expect(mounted.status, mounted.stderr).toBe(0);
    try {
      expect(existsSync(join(mnt, "etc/gone.conf"))).toBe(false);
      expect(await readFile(join(mnt, "etc/kept.conf"), "utf8")).toBe("kept");
      expect(existsSync(join(mnt, "removed-dir"))).toBe(false);
      expect((await readdir(join(mnt, "data"))).sort()).toEqual(["new"]);
      expect((await readdir(mnt)).sort()).toEqual(["data", "etc"]);
    } finally {
      spawnSync("umount", [mnt]);
    }
  });
});
