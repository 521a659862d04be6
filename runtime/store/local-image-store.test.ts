import { createReadStream, existsSync } from "node:fs";
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { busyboxDockerArchive, busyboxOciArchive, busyboxOciLayout, type BusyboxFixture } from "../testing/fixtures.js";
import { ociArchive } from "../testing/oci-builder.js";
import { gzip, tarOf } from "../testing/tar-build.js";
import { tempDir, treeOf } from "../testing/temp.js";
import { digestOf, shortId } from "./digest.js";
import type { ImageUser } from "./image-store.js";
import { LocalImageStore } from "./local-image-store.js";

let fixture: BusyboxFixture;
let archive: string;
let dir: { path: string; cleanup(): Promise<void> };
let layout: Layout;
let store: LocalImageStore;
let messages: string[];

beforeAll(async () => {
  fixture = await busyboxOciLayout();
  archive = await busyboxOciArchive();
});
beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
  store = new LocalImageStore(layout);
  await store.init();
  messages = [];
});
afterEach(() => dir.cleanup());

const load = (path: string) => store.load(createReadStream(path), (m) => messages.push(m));

/** A second small image, to have more than one. */
async function smallImage(name: string, content = "small") {
  const layer = gzip(await tarOf([{ name: "hello.txt", content }]));
  return ociArchive({ layers: [layer], name });
}

describe("loading images", () => {
  it("loads the busybox OCI layout as busybox:1.38.0-glibc", async () => {
    expect(await load(archive)).toEqual([fixture.name]);
    expect(messages).toEqual([`Loaded image: ${fixture.name}`]);
    const image = await store.resolve(fixture.name);
    expect(image.id).toBe(fixture.imageId);
    expect(image.configDigest).toBe(fixture.imageId);
    expect(image.manifestDigest).toBe(fixture.manifestDigest);
    expect(image.repoTags).toEqual([fixture.name]);
    expect(image.repoDigests).toEqual([`busybox@${fixture.manifestDigest}`]);
    expect(image.layers).toEqual([
      expect.objectContaining({ diffId: fixture.diffId, chainId: fixture.diffId, digest: fixture.layerDigest }),
    ]);
    expect(image.size).toBe(image.layers[0]?.size);
    expect(image.size).toBeGreaterThan(800_000);
    expect(image.config.config?.Cmd).toEqual(["sh"]);
    const [fs] = store.layerPaths(image);
    expect(fs).toBe(layout.snapshotFs(fixture.diffId));
    expect((await stat(join(fs as string, "bin/busybox"))).mode & 0o111).not.toBe(0);
    expect(existsSync(join(fs as string, "bin/sh"))).toBe(true);
    for (const d of [fixture.manifestDigest, fixture.imageId, fixture.layerDigest]) {
      const same = (await readFile(layout.blobPath(d))).equals(await readFile(join(fixture.dir, "blobs/sha256", d.slice(7))));
      expect(same, d).toBe(true);
    }
    expect(await store.list()).toEqual([image]);
  });

  it("resolves by name, tag, normalised name, manifest digest, full ID and short ID", async () => {
    await load(archive);
    const repo = fixture.name.split(":")[0] as string;
    for (const ref of [
      fixture.name,
      `docker.io/library/${fixture.name}`,
      `${repo}@${fixture.manifestDigest}`,
      fixture.imageId,
      fixture.imageId.slice(7),
      shortId(fixture.imageId),
      fixture.imageId.slice(7, 11),
      `sha256:${fixture.imageId.slice(7, 19)}`,
    ]) {
      expect((await store.resolve(ref)).id, ref).toBe(fixture.imageId);
    }
    for (const ref of [repo, `${repo}:nope`, `other@${fixture.manifestDigest}`, "abc", digestOf("nothing")]) {
      await expect(store.resolve(ref), ref).rejects.toMatchObject({ kind: "NotFound", message: `No such image: ${ref}` });
    }
    await expect(store.resolve("Busybox")).rejects.toMatchObject({ kind: "InvalidArgument" });
  });

  it("reloading is idempotent: same ID, names, files", async () => {
    await load(archive);
    const before = await treeOf(dir.path);
    const image = await store.resolve(fixture.name);
    expect(await load(archive)).toEqual([fixture.name]);
    expect(await treeOf(dir.path)).toEqual(before);
    expect(await store.list()).toEqual([image]);
  });

  it("loads a gzip-compressed archive", async () => {
    expect(await store.load(Readable.from([gzip(await readFile(archive))]), () => {})).toEqual([fixture.name]);
  });

  it.each(["legacy", "docker25", "docker25-without-index"] as const)("loads a docker-archive (%s layout)", async (kind) => {
    expect(await load(await busyboxDockerArchive(kind))).toEqual([fixture.name]);
    const image = await store.resolve(fixture.name);
    expect(image.id).toBe(fixture.imageId);
    expect(image.repoTags).toEqual([fixture.name]);
    expect(image.layers[0]?.diffId).toBe(fixture.diffId);
    expect(existsSync(join(store.layerPaths(image)[0] as string, "bin/busybox"))).toBe(true);
    // The same image from the OCI layout afterwards keeps the record and leaves no stray blobs.
    await load(archive);
    expect((await store.list()).map((i) => i.id)).toEqual([fixture.imageId]);
    const blobs = (await treeOf(layout.blobsDir())).length;
    expect(blobs).toBe(3);
  });

  it("an untagged image loads by ID", async () => {
    const layer = gzip(await tarOf([{ name: "f", content: "untagged" }]));
    const loaded = await store.load(Readable.from([await ociArchive({ layers: [layer] })]), (m) => messages.push(m));
    expect(loaded).toHaveLength(1);
    expect(loaded[0]).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(messages).toEqual([`Loaded image ID: ${loaded[0]}`]);
    expect((await store.resolve(loaded[0] as string)).repoTags).toEqual([]);
  });

  it("a name that pointed at another image moves to the new one", async () => {
    await store.load(Readable.from([await smallImage("app:1", "one")]), () => {});
    const first = await store.resolve("app:1");
    await store.load(Readable.from([await smallImage("app:1", "two")]), (m) => messages.push(m));
    const second = await store.resolve("app:1");
    expect(second.id).not.toBe(first.id);
    expect(messages[0]).toBe(`The image app:1 already exists, renaming the old one with ID ${first.id} to empty string`);
    expect((await store.resolve(first.id)).repoTags).toEqual([]);
  });

  it("tags", async () => {
    await load(archive);
    await store.tag(fixture.name, "127.0.0.1:5000/team/bb:v1");
    expect((await store.resolve("127.0.0.1:5000/team/bb:v1")).id).toBe(fixture.imageId);
    expect((await store.resolve(fixture.imageId)).repoTags).toEqual(["127.0.0.1:5000/team/bb:v1", fixture.name]);
    await expect(store.tag("nothing", "x:1")).rejects.toMatchObject({ kind: "NotFound" });
    await expect(store.tag(fixture.name, "Bad:1")).rejects.toMatchObject({ kind: "InvalidArgument" });
  });

  it("survives a restart", async () => {
    await load(archive);
    const image = await store.resolve(fixture.name);
    const again = new LocalImageStore(layout);
    await again.init();
    expect(await again.resolve(fixture.name)).toEqual(image);
  });
});

describe("removing images (docker rmi)", () => {
  const opts = { force: false, noPrune: false };

  it("rmi name:tag of the only tag untags and deletes the image, its blobs and snapshots", async () => {
    const empty = await treeOf(dir.path);
    await load(archive);
    const result = await store.remove(fixture.name, opts);
    expect(result).toEqual({ untagged: [fixture.name], deleted: [fixture.imageId, fixture.diffId] });
    await expect(store.resolve(fixture.imageId)).rejects.toMatchObject({ kind: "NotFound" });
    const after = (await treeOf(dir.path)).filter((p) => !p.startsWith("images/refs.json"));
    expect(after).toEqual(empty);
  });

  it("rmi of one of several tags only untags", async () => {
    await load(archive);
    await store.tag(fixture.name, "mine:1");
    expect(await store.remove("mine:1", opts)).toEqual({ untagged: ["mine:1"], deleted: [] });
    expect((await store.resolve(fixture.imageId)).repoTags).toEqual([fixture.name]);
  });

  it("rmi by ID with several tags is a Conflict unless forced", async () => {
    await load(archive);
    await store.tag(fixture.name, "mine:1");
    await expect(store.remove(shortId(fixture.imageId), opts)).rejects.toMatchObject({
      kind: "Conflict",
      message: `conflict: unable to delete ${shortId(fixture.imageId)} (must be forced) - image is referenced in multiple repositories`,
    });
    const result = await store.remove(shortId(fixture.imageId), { force: true, noPrune: false });
    expect(result.untagged.sort()).toEqual([fixture.name, "mine:1"].sort());
    expect(result.deleted[0]).toBe(fixture.imageId);
  });

  it("rmi by ID with one tag untags and deletes", async () => {
    await load(archive);
    expect(await store.remove(fixture.imageId, opts)).toEqual({ untagged: [fixture.name], deleted: [fixture.imageId, fixture.diffId] });
  });

  it("an image a container uses cannot lose its last tag without force, nor be deleted", async () => {
    await load(archive);
    const cid = "c0ffee".repeat(10) + "abcd";
    let user: ImageUser | undefined = { containerId: cid, running: false };
    store.setInUse((id) => (id === fixture.imageId ? user : undefined));
    const repo = fixture.name.split(":")[0] as string;
    await expect(store.remove(repo + ":" + fixture.name.split(":")[1], opts)).rejects.toMatchObject({
      kind: "Conflict",
      message: `conflict: unable to remove repository reference "${fixture.name}" (must force) - container ${cid.slice(0, 12)} is using its referenced image ${shortId(fixture.imageId)}`,
    });
    await expect(store.remove(fixture.imageId, opts)).rejects.toMatchObject({
      kind: "Conflict",
      message: `conflict: unable to delete ${shortId(fixture.imageId)} (must be forced) - image is being used by stopped container ${cid.slice(0, 12)}`,
    });
    user = { containerId: cid, running: true };
    await expect(store.remove(fixture.imageId, { force: true, noPrune: false })).rejects.toMatchObject({
      kind: "Conflict",
      message: `conflict: unable to delete ${shortId(fixture.imageId)} (cannot be forced) - image is being used by running container ${cid.slice(0, 12)}`,
    });
    // Forced by name: untagged, but the layers stay while the container exists.
    expect(await store.remove(fixture.name, { force: true, noPrune: false })).toEqual({ untagged: [fixture.name], deleted: [] });
    const image = await store.resolve(fixture.imageId);
    expect(existsSync(store.layerPaths(image)[0] as string)).toBe(true);
    // Container gone: now the untagged image can be removed by ID.
    user = undefined;
    expect(await store.remove(fixture.imageId, opts)).toEqual({ untagged: [], deleted: [fixture.imageId, fixture.diffId] });
  });

  it("a setInUse check returning a plain boolean still protects the image", async () => {
    await load(archive);
    store.setInUse(() => true);
    await expect(store.remove(fixture.name, opts)).rejects.toMatchObject({ kind: "Conflict" });
  });

  it("keeps layers another image still uses", async () => {
    const base = gzip(await tarOf([{ name: "base", content: "shared" }]));
    const top = gzip(await tarOf([{ name: "top", content: "mine" }]));
    await store.load(Readable.from([await ociArchive({ layers: [base], name: "a:1" })]), () => {});
    await store.load(Readable.from([await ociArchive({ layers: [base, top], name: "b:1" })]), () => {});
    const a = await store.resolve("a:1");
    const b = await store.resolve("b:1");
    expect(b.layers[0]?.chainId).toBe(a.layers[0]?.chainId);
    const result = await store.remove("b:1", opts);
    expect(result.deleted).toEqual([b.id, b.layers[1]?.chainId]);
    expect(existsSync(store.layerPaths(a)[0] as string)).toBe(true);
    expect(existsSync(layout.blobPath(a.layers[0]?.digest as string))).toBe(true);
    expect(existsSync(layout.blobPath(b.layers[1]?.digest as string))).toBe(false);
  });

  it("unknown images are NotFound with Docker's wording", async () => {
    await expect(store.remove("busybox:nope", opts)).rejects.toMatchObject({ kind: "NotFound", message: "No such image: busybox:nope" });
  });
});
