import { open, readFile, stat } from "node:fs/promises";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { tempDir } from "../testing/temp.js";
import { digestOf } from "./digest.js";
import { ReferenceStore } from "./refs.js";

let dir: { path: string; cleanup(): Promise<void> };
let layout: Layout;
const A = { imageId: digestOf("a"), manifestDigest: digestOf("ma") };
const B = { imageId: digestOf("b"), manifestDigest: digestOf("mb") };

beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
});
afterEach(() => dir.cleanup());

async function opened() {
  const refs = new ReferenceStore(layout);
  await refs.init();
  return refs;
}

describe("reference store", () => {
  it("persists names across restarts", async () => {
    const refs = await opened();
    await refs.update([["docker.io/library/busybox:1", A], ["docker.io/library/busybox:2", A], ["x.io/b:1", B]]);
    const again = await opened();
    expect(again.get("docker.io/library/busybox:1")).toEqual(A);
    expect(again.namesOf(A.imageId)).toEqual(["docker.io/library/busybox:1", "docker.io/library/busybox:2"]);
    await again.update([], ["docker.io/library/busybox:1"]);
    expect((await opened()).namesOf(A.imageId)).toEqual(["docker.io/library/busybox:2"]);
  });

  it("replaces refs.json only by rename: a reader holding the old file still sees it whole", async () => {
    const refs = await opened();
    await refs.update([["docker.io/library/busybox:1", A]]);
    const before = await stat(layout.refsFile());
    const oldFile = await open(layout.refsFile(), "r");
    const oldText = await readFile(layout.refsFile(), "utf8");
    await refs.update([["docker.io/library/busybox:2", B]]);
    const after = await stat(layout.refsFile());
    expect(after.ino).not.toBe(before.ino);
    expect(await oldFile.readFile("utf8")).toBe(oldText);
    await oldFile.close();
    expect(JSON.parse(await readFile(layout.refsFile(), "utf8")).refs).toHaveProperty(["docker.io/library/busybox:2"]);
  });

  it("does not change memory when the file cannot be written", async () => {
    const refs = await opened();
    await refs.update([["docker.io/library/busybox:1", A]]);
    const broken = new ReferenceStore(new Layout(`${dir.path}/missing-root`));
    await expect(broken.update([["docker.io/library/busybox:1", A]])).rejects.toThrow();
    expect(broken.get("docker.io/library/busybox:1")).toBeUndefined();
  });
});
