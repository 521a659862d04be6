import { existsSync } from "node:fs";
import { mkdir, readdir, readFile, writeFile } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { tempDir } from "../testing/temp.js";
import { initialState, type ContainerRecord } from "./container.js";
import { normaliseHostConfig } from "./create.js";
import { ContainerStore } from "./store.js";

const record = (id: string, name: string): ContainerRecord => ({
  id, name, created: "2026-11-28T00:00:00Z", path: "sh", args: [], imageId: "sha256:1",
  config: {
    Hostname: id.slice(0, 12), Domainname: "", User: "", AttachStdin: false, AttachStdout: true, AttachStderr: true,
    Tty: false, OpenStdin: false, StdinOnce: false, Env: [], Cmd: ["sh"], Image: "busybox", WorkingDir: "",
    Entrypoint: null, Labels: {},
  },
  hostConfig: normaliseHostConfig({}, true),
  state: initialState(),
  restartCount: 0,
});

describe("container records on disk", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let layout: Layout;
  let store: ContainerStore;
  beforeEach(async () => {
    dir = await tempDir();
    layout = new Layout(dir.path);
    await mkdir(layout.tmpDir());
    store = new ContainerStore(layout);
    await store.init();
  });
  afterEach(() => dir.cleanup());

  it("are written whole and read back after a restart", async () => {
    const a = record("a".repeat(64), "one");
    await store.create(a);
    for (let i = 1; i <= 20; i++) void store.save({ ...a, restartCount: i });
    await store.save({ ...a, restartCount: 21 });
    const { records, orphans } = await new ContainerStore(layout).loadAll();
    expect(records.map((r) => r.restartCount)).toEqual([21]);
    expect(orphans).toEqual([]);
    expect(await readdir(layout.tmpDir())).toEqual([]); // no temp file left behind
  });

  it("report a container directory without a readable record as an orphan", async () => {
    await mkdir(layout.containerDir("b".repeat(64)), { recursive: true });
    await mkdir(layout.containerDir("c".repeat(64)), { recursive: true });
    await writeFile(layout.containerRecord("c".repeat(64)), "{torn");
    const { records, orphans } = await store.loadAll();
    expect(records).toEqual([]);
    expect(orphans.sort()).toEqual(["b".repeat(64), "c".repeat(64)]);
  });

  it("are taken out in one step on removal, then deleted", async () => {
    const a = record("d".repeat(64), "gone");
    await store.create(a);
    await writeFile(layout.containerLog(a.id), "log");
    const moved = await store.detach(a.id);
    expect(existsSync(layout.containerDir(a.id))).toBe(false);
    expect(moved.startsWith(layout.tmpDir())).toBe(true);
    expect(await readFile(`${moved}/container.log`, "utf8")).toBe("log");
    expect((await store.loadAll()).records).toEqual([]);
    await store.destroy(moved);
    expect(existsSync(moved)).toBe(false);
  });
});
