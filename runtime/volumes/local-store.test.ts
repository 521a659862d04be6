/**
 * The local volume store over a real directory: what `docker volume create/ls/inspect/rm/prune` rely on, checked by the
 * kind of error (NotFound, InvalidArgument, Conflict), and its durability rules.
 */
import { mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { Layout } from "../layout.js";
import { tempDir } from "../testing/temp.js";
import { LocalVolumeStore } from "./local-store.js";
import { ANONYMOUS_LABEL } from "./volume.js";

async function kindOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return "ok";
  } catch (err) {
    for (const k of ["NotFound", "InvalidArgument", "Conflict", "Internal"] as const) if (isKind(err, k)) return k;
    throw err;
  }
}

describe("the local volume store", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let layout: Layout;
  let store: LocalVolumeStore;
  let users: Record<string, string[]>;

  beforeEach(async () => {
    dir = await tempDir("hako-volumes-");
    layout = new Layout(dir.path);
    await mkdir(layout.tmpDir(), { recursive: true });
    store = new LocalVolumeStore(layout);
    users = {};
    store.setUsers((name) => users[name] ?? []);
    await store.init();
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("creates a volume as a directory under the data root, and the same name again returns it", async () => {
    const v = await store.create({ name: "data", labels: { team: "a" } });
    expect(v).toMatchObject({ name: "data", driver: "local", labels: { team: "a" }, options: {},
      mountpoint: layout.volumeData("data") });
    expect(v.createdAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/);
    await writeFile(join(v.mountpoint, "f"), "kept");
    expect(await store.create({ name: "data" })).toEqual(v);
    expect(await readdir(v.mountpoint)).toEqual(["f"]);
    expect((await store.list()).map((x) => x.name)).toEqual(["data"]);
    // a new store over the same root sees it (the record is on disk)
    expect(await new LocalVolumeStore(layout).get("data")).toEqual(v);
  });

  it("names a volume created without a name with 64 hex digits and labels it anonymous", async () => {
    const v = await store.create({});
    expect(v.name).toMatch(/^[0-9a-f]{64}$/);
    expect(v.labels).toHaveProperty(ANONYMOUS_LABEL);
  });

  it("refuses bad names, unknown drivers and unknown options, creating nothing", async () => {
    expect(await kindOf(store.create({ name: "x" }))).toBe("InvalidArgument");
    expect(await kindOf(store.create({ name: "../etc" }))).toBe("InvalidArgument");
    expect(await kindOf(store.create({ name: "ok", driver: "nfs-plugin" }))).toBe("NotFound");
    expect(await kindOf(store.create({ name: "ok", driverOpts: { bogus: "1" } }))).toBe("InvalidArgument");
    expect(await store.list()).toEqual([]);
  });

  it("says NotFound for an unknown volume", async () => {
    expect(await kindOf(store.get("nosuch"))).toBe("NotFound");
    expect(await kindOf(store.remove("nosuch", { force: false }))).toBe("NotFound");
    expect(await kindOf(store.remove("nosuch", { force: true }))).toBe("ok");
  });

  it("refuses to remove a volume in use, even with force, and removes it once free", async () => {
    await store.create({ name: "busy" });
    users.busy = ["c1"];
    expect(await kindOf(store.remove("busy", { force: false }))).toBe("Conflict");
    expect(await kindOf(store.remove("busy", { force: true }))).toBe("Conflict");
    users.busy = [];
    await store.remove("busy", { force: false });
    expect(await kindOf(store.get("busy"))).toBe("NotFound");
    expect(await readdir(layout.volumesDir())).toEqual([]);
  });

  it("prunes the unused volumes that the filter does not keep, counting the bytes", async () => {
    for (const n of ["used", "free1", "free2", "kept"]) await store.create({ name: n, labels: n === "kept" ? { keep: "1" } : {} });
    await writeFile(join(layout.volumeData("free1"), "f"), "12345");
    users.used = ["c1"];
    const r = await store.prune((v) => "keep" in v.labels);
    expect(r.deleted.sort()).toEqual(["free1", "free2"]);
    expect(r.reclaimed).toBe(5);
    expect((await store.list()).map((v) => v.name)).toEqual(["kept", "used"]);
  });

  it("does not see a volume whose creation was interrupted (only a whole directory is renamed into place)", async () => {
    await mkdir(join(layout.volumesDir(), "half"), { recursive: true });
    expect(await store.list()).toEqual([]);
    expect(await kindOf(store.get("half"))).toBe("NotFound");
  });
});
