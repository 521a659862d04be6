import { mkdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync, existsSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { copyInto } from "./copy-files.js";
import { cleanSource, matchSources, type SourceTree } from "./sources.js";
import { parseDockerignore } from "./dockerignore.js";

const isRoot = process.getuid?.() === 0;

describe("COPY sources", () => {
  it.each([["a/b", "a/b"], ["/a/./b/", "a/b"], ["a/../b", "b"], [".", ""]])("cleans %s to %s", (src, clean) => {
    expect(cleanSource(src)).toBe(clean);
  });
  it.each([["../x"], ["a/../../x"], ["/../etc/passwd"]])("refuses %s: outside the context", (src) => {
    expect(() => cleanSource(src)).toThrow(/forbidden path outside the build context/);
  });
});

describe.skipIf(!isRoot)("copying into a root filesystem", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let ctx: string;
  let root: string;
  let tree: SourceTree;
  beforeEach(async () => {
    dir = await tempDir("hako-copy-");
    ctx = join(dir.path, "ctx");
    root = join(dir.path, "root");
    mkdirSync(join(ctx, "src", "sub"), { recursive: true });
    mkdirSync(root);
    writeFileSync(join(ctx, "src", "a.txt"), "a");
    writeFileSync(join(ctx, "src", "b.log"), "b");
    writeFileSync(join(ctx, "src", "sub", "c.txt"), "c");
    symlinkSync("a.txt", join(ctx, "src", "link"));
    tree = { root: ctx, ignore: parseDockerignore("**/*.log"), label: "build context" };
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  it("copies a directory's contents, keeps symlinks, leaves out ignored files, owns everything by root", () => {
    copyInto(root, tree, matchSources(tree, "src"), "/app", { mode: undefined });
    expect(readFileSync(join(root, "app", "a.txt"), "utf8")).toBe("a");
    expect(readFileSync(join(root, "app", "sub", "c.txt"), "utf8")).toBe("c");
    expect(readlinkSync(join(root, "app", "link"))).toBe("a.txt");
    expect(existsSync(join(root, "app", "b.log"))).toBe(false);
    expect(statSync(join(root, "app", "a.txt")).uid).toBe(0);
  });

  it("puts files into a directory destination and applies --chown/--chmod", () => {
    copyInto(root, tree, matchSources(tree, "src/*.txt"), "/dest/", { owner: { uid: 7, gid: 8 }, mode: 0o600 });
    const st = statSync(join(root, "dest", "a.txt"));
    expect([st.uid, st.gid, st.mode & 0o777]).toEqual([7, 8, 0o600]);
  });

  it("never writes through a symlink in the image to the host: an absolute link is followed inside the root", () => {
    const host = join(dir.path, "host-etc");
    mkdirSync(host);
    symlinkSync(host, join(root, "etc")); // /etc -> <host path>, as a hostile image could ship
    copyInto(root, tree, matchSources(tree, "src/a.txt"), "/etc/a.txt", {});
    expect(existsSync(join(host, "a.txt"))).toBe(false);
    expect(readFileSync(join(root, host, "a.txt"), "utf8")).toBe("a");
  });

  it("follows a symlink source only inside the context: one pointing at a host file finds nothing", () => {
    symlinkSync("/etc/passwd", join(ctx, "evil"));
    symlinkSync("../../../../../../etc/hostname", join(ctx, "evil2"));
    expect(() => matchSources(tree, "evil")).toThrow(/file not found in build context/);
    expect(() => matchSources(tree, "evil2")).toThrow(/file not found in build context/);
  });

  it("refuses missing sources and ignored ones alike", () => {
    expect(() => matchSources(tree, "nosuch")).toThrow(/file not found in build context/);
    expect(() => matchSources(tree, "src/b.log")).toThrow(/file not found/);
  });
});
