/**
 * Extraction of `cp` archives into a directory standing in for a container's root: what lands where, and the hostile
 * archives that must not write outside it (nothing outside changes, and the error says why).
 */
import { lstat, mkdir, readFile, readlink, symlink, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { gzip, tarOf, zstd, type TarEntry } from "../testing/tar-build.js";
import { tempDir, treeOf } from "../testing/temp.js";
import { extractArchive } from "./archive-extract.js";

let scratch: { path: string; cleanup(): Promise<void> };
let root: string;
let outside: string;

beforeEach(async () => {
  scratch = await tempDir("hako-cp-");
  root = join(scratch.path, "rootfs");
  outside = join(scratch.path, "outside");
  await mkdir(join(root, "dst"), { recursive: true });
  await mkdir(outside);
  await writeFile(join(outside, "secret"), "host file\n");
});
afterEach(async () => {
  await scratch.cleanup();
});

const extractTo = async (dest: string[], entries: TarEntry[], noOverwriteDirNonDir = false) =>
  extractArchive(Readable.from([await tarOf(entries)]), { root, dest, noOverwriteDirNonDir });

describe("extracting a cp archive", () => {
  it("writes files, directories, symlinks and hardlinks with their modes, owners and times", async () => {
    await extractTo(["dst"], [
      { name: "dir/", type: "directory", mode: 0o750, uid: 12, gid: 34 },
      { name: "dir/f", content: "hello\n", mode: 0o640, uid: 12, gid: 34, mtime: new Date(1_600_000_000_000) },
      { name: "dir/hard", type: "link", linkname: "dir/f" },
      { name: "dir/sym", type: "symlink", linkname: "/etc/passwd" },
    ]);
    expect(await readFile(join(root, "dst/dir/f"), "utf8")).toBe("hello\n");
    const st = await lstat(join(root, "dst/dir/f"));
    expect([st.mode & 0o7777, st.uid, st.gid, st.mtimeMs, st.nlink]).toEqual([0o640, 12, 34, 1_600_000_000_000, 2]);
    expect((await lstat(join(root, "dst/dir"))).mode & 0o7777).toBe(0o750);
    expect(await readlink(join(root, "dst/dir/sym"))).toBe("/etc/passwd");
  });

  it("takes gzip-compressed archives", async () => {
    await extractArchive(Readable.from([gzip(await tarOf([{ name: "z", content: "zipped" }]))]), { root, dest: [], noOverwriteDirNonDir: false });
    expect(await readFile(join(root, "z"), "utf8")).toBe("zipped");
  });

  it("replaces an existing file, even one that is a symlink to the host (the link is replaced, not followed)", async () => {
    await symlink(join(outside, "secret"), join(root, "dst", "f"));
    await extractTo(["dst"], [{ name: "f", content: "new\n" }]);
    expect(await readFile(join(outside, "secret"), "utf8")).toBe("host file\n");
    expect((await lstat(join(root, "dst/f"))).isFile()).toBe(true);
  });

  it("with noOverwriteDirNonDir, refuses to swap a directory and a non-directory", async () => {
    await mkdir(join(root, "dst", "d"));
    await writeFile(join(root, "dst", "f"), "");
    await expect(extractTo(["dst"], [{ name: "d", content: "x" }], true)).rejects.toThrow('cannot overwrite directory "/dst/d" with non-directory "/dst"');
    await expect(extractTo(["dst"], [{ name: "f/", type: "directory" }], true)).rejects.toThrow('cannot overwrite non-directory "/dst/f" with directory "/dst"');
  });

  const hostile: Array<[string, () => TarEntry[], RegExp]> = [
    ["../ in a name", () => [{ name: "../../outside/pwned", content: "x" }], /path escapes the root/],
    ["a symlink to the host, then a file through it", () => [
      { name: "link", type: "symlink", linkname: outside },
      { name: "link/pwned", content: "x" },
    ], /goes through a symlink/],
    ["a symlink to /, then a file through it", () => [
      { name: "root", type: "symlink", linkname: "/" },
      { name: "root/tmp/pwned", content: "x" },
    ], /goes through a symlink/],
    ["a relative symlink climbing out", () => [{ name: "up", type: "symlink", linkname: "../../outside" }], /invalid symlink "up" -> "\.\.\/\.\.\/outside"/],
    ["a hardlink to a host file", () => [{ name: "h", type: "link", linkname: "../../outside/secret" }], /path escapes the root/],
    ["a hardlink to a file that is not in the destination", () => [{ name: "h", type: "link", linkname: "nosuch" }], /invalid hardlink "h" -> "nosuch"/],
    ["a directory replaced by a symlink, then written through", () => [
      { name: "d/", type: "directory" },
      { name: "d", type: "symlink", linkname: outside },
      { name: "d/pwned", content: "x" },
    ], /goes through a symlink/],
  ];
  for (const [what, entries, message] of hostile) {
    it(`refuses ${what}, writing nothing outside the root`, async () => {
      const before = await treeOf(outside);
      await expect(extractTo(["dst"], entries())).rejects.toThrow(message);
      expect(await treeOf(outside)).toEqual(before);
      expect(await readFile(join(outside, "secret"), "utf8")).toBe("host file\n");
    });
  }

  it("refuses a destination that turned into a symlink (every component from the root is checked)", async () => {
    await symlink(outside, join(root, "swapped"));
    await expect(extractTo(["swapped"], [{ name: "pwned", content: "x" }])).rejects.toThrow(/goes through a symlink/);
    expect(await treeOf(outside)).toEqual(["secret (file 10)"]);
  });

  it("refuses a corrupt gzip or zstd archive with DataCorruption (the engine keeps running), writing nothing", async () => {
    const tar = await tarOf([{ name: "big", content: Buffer.alloc(300_000, 1) }, { name: "after", content: "x" }]);
    for (const packed of [gzip(tar), zstd(tar)]) {
      const corrupt = Buffer.concat([packed.subarray(0, 12), Buffer.alloc(packed.length - 12, 0x55)]);
      const before = await treeOf(root);
      await expect(extractArchive(Readable.from([corrupt]), { root, dest: [], noOverwriteDirNonDir: false }))
        .rejects.toMatchObject({ kind: "DataCorruption" });
      expect(await treeOf(root)).toEqual(before);
    }
  });

  it("refuses bytes that are not a tar", async () => {
    await expect(extractArchive(Readable.from([Buffer.from("hello, not a tar archive at all")]), { root, dest: [], noOverwriteDirNonDir: false }))
      .rejects.toThrow();
  });
});
