/**
 * Unpacking layers, hostile ones included. Each hostile case unpacks into <sentinel>/a/b/root and checks that
 * nothing appeared anywhere else in <sentinel> (nor at the absolute host path the layer aimed at).
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { lstat, mkdir, readFile, readlink, stat, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestOf } from "../store/digest.js";
import { gzip, tarOf, type TarEntry } from "../testing/tar-build.js";
import { tempDir, treeOf, xattrsOf } from "../testing/temp.js";
import { applyLayer, type ApplyResult } from "./layer-apply.js";

let sentinel: { path: string; cleanup(): Promise<void> };
let root: string;
let outsideBefore: string[];
const tag = randomBytes(4).toString("hex");
const evil = `evil-${tag}`;

beforeEach(async () => {
  sentinel = await tempDir("hako-layer-");
  root = join(sentinel.path, "a", "b", "root");
  await mkdir(root, { recursive: true });
  await writeFile(join(sentinel.path, "a", "outside.txt"), "untouched");
  outsideBefore = await outside();
});
afterEach(() => sentinel.cleanup());

/** Everything in the sentinel except the snapshot root's contents. */
async function outside(): Promise<string[]> {
  return (await treeOf(sentinel.path)).filter((p) => !p.startsWith("a/b/root/"));
}

async function apply(entries: TarEntry[], compress = false): Promise<ApplyResult> {
  const tar = await tarOf(entries);
  return applyLayer(Readable.from([compress ? gzip(tar) : tar]), root, { label: "layer sha256:test" });
}

async function expectNothingOutside() {
  expect(await outside()).toEqual(outsideBefore);
  expect(await readFile(join(sentinel.path, "a", "outside.txt"), "utf8")).toBe("untouched");
  expect(existsSync(`/etc/${evil}`)).toBe(false);
  expect(existsSync(`/${evil}`)).toBe(false);
}

describe("applying a layer", () => {
  it("unpacks files, dirs, symlinks and hardlinks with owners, modes (setuid kept) and mtimes; diff ID = sha256 of the tar", async () => {
    const mtime = new Date("2024-05-06T07:08:09Z");
    const entries: TarEntry[] = [
      { name: "./", type: "directory", mode: 0o755 },
      { name: "bin/", type: "directory", mode: 0o755, mtime },
      { name: "bin/tool", content: "#!/bin/sh\n", mode: 0o4755, uid: 1000, gid: 1001, mtime },
      { name: "bin/link", type: "link", linkname: "bin/tool" },
      { name: "bin/sh", type: "symlink", linkname: "/bin/tool", uid: 7, gid: 8 },
      { name: "secret/", type: "directory", mode: 0o700, uid: 1000, gid: 1000, mtime },
      { name: "secret/key", content: "k", mode: 0o600 },
      { name: "tmp/", type: "directory", mode: 0o1777 },
      { name: `deep/${"d".repeat(120)}/${"e".repeat(120)}/file`, content: "long name" },
    ];
    const tar = await tarOf(entries);
    for (const compressed of [false, true]) {
      const dir = join(sentinel.path, `r${compressed}`);
      await mkdir(dir);
      const r = await applyLayer(Readable.from([compressed ? gzip(tar) : tar]), dir, { label: "layer" });
      expect(r.diffId).toBe(digestOf(tar));
      expect(r.skipped).toBe(0);
      const tool = await stat(join(dir, "bin/tool"));
      expect(tool.mode & 0o7777).toBe(0o4755);
      expect([tool.uid, tool.gid]).toEqual([1000, 1001]);
      expect(tool.mtime.getTime()).toBe(mtime.getTime());
      expect(tool.nlink).toBe(2);
      expect((await stat(join(dir, "bin/link"))).ino).toBe(tool.ino);
      expect(await readlink(join(dir, "bin/sh"))).toBe("/bin/tool");
      expect((await lstat(join(dir, "bin/sh"))).uid).toBe(7);
      const secret = await stat(join(dir, "secret"));
      expect([secret.mode & 0o7777, secret.uid, secret.mtime.getTime()]).toEqual([0o700, 1000, mtime.getTime()]);
      expect((await stat(join(dir, "bin"))).mtime.getTime()).toBe(mtime.getTime());
      expect((await stat(join(dir, "tmp"))).mode & 0o7777).toBe(0o1777);
      expect(await readFile(join(dir, `deep/${"d".repeat(120)}/${"e".repeat(120)}/file`), "utf8")).toBe("long name");
      expect(r.size).toBe("#!/bin/sh\n".length + 1 + "long name".length);
    }
  });

  it("writes a file of several batches byte for byte, with its mode, fed in small pieces as a socket would", async () => {
    const big = randomBytes(5 * (1 << 20) + 12_345);
    const tar = gzip(await tarOf([{ name: "big.bin", content: big, mode: 0o4755 }, { name: "after", content: "next" }]));
    const pieces: Buffer[] = [];
    for (let i = 0; i < tar.length; i += 7_600) pieces.push(tar.subarray(i, i + 7_600));
    const r = await applyLayer(Readable.from(pieces), root, { label: "layer sha256:test" });
    expect((await readFile(join(root, "big.bin"))).equals(big)).toBe(true);
    expect((await stat(join(root, "big.bin"))).mode & 0o7777).toBe(0o4755);
    expect(await readFile(join(root, "after"), "utf8")).toBe("next");
    expect(r.size).toBe(big.length + 4);
  });

  it("refuses `../../etc/evil` (path escapes the root)", async () => {
    await expect(apply([{ name: `../../etc/${evil}`, content: "x" }])).rejects.toMatchObject({
      kind: "DataCorruption",
      message: `layer sha256:test: path escapes the root: ../../etc/${evil}`,
    });
    await expectNothingOutside();
  });

  it("refuses a name with `..` inside (`a/../../x`)", async () => {
    await expect(apply([{ name: `a/../../${evil}`, content: "x" }])).rejects.toMatchObject({ kind: "DataCorruption" });
    await expect(apply([{ name: "x/..", type: "directory" }])).rejects.toMatchObject({ kind: "DataCorruption" });
    await expectNothingOutside();
  });

  it("puts an absolute `/etc/evil` inside the root", async () => {
    await apply([{ name: `/etc/${evil}`, content: "inside" }]);
    expect(await readFile(join(root, "etc", evil), "utf8")).toBe("inside");
    await expectNothingOutside();
  });

  it("never writes through a symlink parent: `link -> /` then `link/etc/evil`", async () => {
    await expect(
      apply([
        { name: "link", type: "symlink", linkname: "/" },
        { name: `link/etc/${evil}`, content: "x" },
      ]),
    ).rejects.toMatchObject({ kind: "DataCorruption", message: expect.stringContaining("path escapes the root") });
    await expectNothingOutside();
  });

  it("never writes through a relative symlink that climbs out: `up -> ../../..` then `up/evil`", async () => {
    await expect(
      apply([
        { name: "up", type: "symlink", linkname: "../../.." },
        { name: `up/${evil}`, content: "x" },
      ]),
    ).rejects.toMatchObject({ kind: "DataCorruption" });
    await expect(
      apply([
        { name: "d/up", type: "symlink", linkname: "../../../.." },
        { name: `d/up/a/${evil}/`, type: "directory" },
      ]),
    ).rejects.toMatchObject({ kind: "DataCorruption" });
    await expectNothingOutside();
  });

  it("replaces a symlink by a later file or directory entry instead of writing through it", async () => {
    const target = join(sentinel.path, "a", "outside.txt");
    await apply([
      { name: "f", type: "symlink", linkname: target },
      { name: "f", content: "replaced" },
      { name: "d", type: "symlink", linkname: join(sentinel.path, "a") },
      { name: "d/", type: "directory" },
      { name: "d/outside.txt", content: "inside" },
    ]);
    expect((await lstat(join(root, "f"))).isFile()).toBe(true);
    expect(await readFile(join(root, "f"), "utf8")).toBe("replaced");
    expect(await readFile(join(root, "d", "outside.txt"), "utf8")).toBe("inside");
    await expectNothingOutside();
  });

  it("keeps escaping symlinks as symlinks, never following them", async () => {
    await apply([
      { name: "abs", type: "symlink", linkname: "/etc/passwd" },
      { name: "rel", type: "symlink", linkname: "../../../../../etc" },
    ]);
    expect(await readlink(join(root, "abs"))).toBe("/etc/passwd");
    expect(await readlink(join(root, "rel"))).toBe("../../../../../etc");
    await expectNothingOutside();
  });

  it("refuses hardlinks to files outside the layer: `/etc/passwd`, `../x`, or through a symlink", async () => {
    const passwd = await stat("/etc/passwd");
    await expect(apply([{ name: "h", type: "link", linkname: "/etc/passwd" }])).rejects.toMatchObject({
      kind: "DataCorruption",
      message: expect.stringContaining("does not point at a file of this layer"),
    });
    await expect(apply([{ name: "h", type: "link", linkname: "../a/outside.txt" }])).rejects.toMatchObject({
      kind: "DataCorruption",
      message: expect.stringContaining("path escapes the root"),
    });
    await expect(
      apply([
        { name: "etc", type: "symlink", linkname: "/etc" },
        { name: "h", type: "link", linkname: "etc/passwd" },
      ]),
    ).rejects.toMatchObject({ kind: "DataCorruption" });
    expect((await stat("/etc/passwd")).nlink).toBe(passwd.nlink);
    expect((await stat(join(sentinel.path, "a", "outside.txt"))).nlink).toBe(1);
    await expectNothingOutside();
  });

  it("neutralises device nodes and fifos: skipped and counted, never created", async () => {
    const warnings: string[] = [];
    const tar = await tarOf([
      { name: "dev/", type: "directory" },
      { name: "dev/sda", type: "block-device", devmajor: 8, devminor: 0 },
      { name: "dev/mem", type: "character-device", devmajor: 1, devminor: 1 },
      { name: "pipe", type: "fifo" },
      { name: "ok", content: "fine" },
    ]);
    const r = await applyLayer(Readable.from([tar]), root, { label: "layer sha256:test", warn: (m) => warnings.push(m) });
    expect(r.skipped).toBe(3);
    expect(warnings).toEqual(["layer sha256:test: skipped 3 device node/fifo entries"]);
    expect(existsSync(join(root, "dev/sda"))).toBe(false);
    expect(existsSync(join(root, "dev/mem"))).toBe(false);
    expect(existsSync(join(root, "pipe"))).toBe(false);
    expect(await readFile(join(root, "ok"), "utf8")).toBe("fine");
    await expectNothingOutside();
  });

  it("refuses a corrupt gzip stream and a non-tar", async () => {
    const good = gzip(await tarOf([{ name: "f", content: "x".repeat(10000) }]));
    const bad = Buffer.from(good);
    bad.fill(0x41, 20, 60);
    await expect(applyLayer(Readable.from([bad]), root, { label: "layer L" })).rejects.toMatchObject({ kind: "DataCorruption" });
    await expect(applyLayer(Readable.from([Buffer.alloc(1024, 0x41)]), root, { label: "layer L" })).rejects.toMatchObject({
      kind: "DataCorruption",
    });
  });

  it("turns whiteouts into overlay whiteouts (char 0:0) and opaque markers into trusted.overlay.opaque=y", async () => {
    await apply([
      { name: ".wh.gone", content: "" },
      { name: "etc/", type: "directory" },
      { name: "etc/.wh.old.conf", content: "" },
      { name: "data/", type: "directory", mode: 0o750 },
      { name: "data/.wh..wh..opq", content: "" },
      { name: "data/new", content: "new" },
      { name: ".wh.same", content: "" },
      { name: "same", content: "this layer's own file wins" },
      { name: ".wh..wh.plnk/", type: "directory" },
      { name: ".wh..wh.plnk/1234.5678", content: "aufs hardlink store" },
    ]);
    for (const path of ["gone", "etc/old.conf"]) {
      const st = await lstat(join(root, path));
      expect(st.isCharacterDevice(), path).toBe(true);
      expect(st.rdev).toBe(0);
    }
    expect(existsSync(join(root, ".wh.gone"))).toBe(false);
    expect(existsSync(join(root, "data/.wh..wh..opq"))).toBe(false);
    expect(existsSync(join(root, ".wh..wh.plnk"))).toBe(false);
    expect(await xattrsOf(root, "data")).toEqual({ "trusted.overlay.opaque": "y" });
    expect((await stat(join(root, "data"))).mode & 0o7777).toBe(0o750);
    expect(await readFile(join(root, "data/new"), "utf8")).toBe("new");
    expect((await lstat(join(root, "same"))).isFile()).toBe(true);
  });

  it("refuses a whiteout without a name", async () => {
    await expect(apply([{ name: "dir/.wh.", content: "" }])).rejects.toMatchObject({ kind: "DataCorruption" });
  });

  it("does not place a whiteout through a symlink", async () => {
    await expect(
      apply([
        { name: "l", type: "symlink", linkname: join(sentinel.path, "a") },
        { name: "l/.wh.outside.txt", content: "" },
      ]),
    ).rejects.toMatchObject({ kind: "DataCorruption" });
    await expectNothingOutside();
  });
});
