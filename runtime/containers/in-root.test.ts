import { mkdir, symlink } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { resolveInRoot } from "./in-root.js";

describe("paths inside a container's rootfs", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
    await mkdir(join(dir.path, "etc"));
    await mkdir(join(dir.path, "usr/lib"), { recursive: true });
  });
  afterEach(() => dir.cleanup());

  it("joins plain paths and clamps .. at the root", () => {
    expect(resolveInRoot(dir.path, "/etc/passwd")).toBe(join(dir.path, "etc/passwd"));
    expect(resolveInRoot(dir.path, "/../../etc/passwd")).toBe(join(dir.path, "etc/passwd"));
  });

  it("follows absolute links from the rootfs, not from the host's root", async () => {
    await symlink("/usr/lib", join(dir.path, "lib"));
    await symlink("/../../../../etc/shadow", join(dir.path, "etc/passwd"));
    expect(resolveInRoot(dir.path, "/lib/x")).toBe(join(dir.path, "usr/lib/x"));
    expect(resolveInRoot(dir.path, "/etc/passwd")).toBe(join(dir.path, "etc/shadow"));
  });

  it("follows relative links and stops link loops", async () => {
    await symlink("../usr", join(dir.path, "etc/u"));
    expect(resolveInRoot(dir.path, "/etc/u/lib")).toBe(join(dir.path, "usr/lib"));
    await symlink("loop", join(dir.path, "loop"));
    expect(() => resolveInRoot(dir.path, "/loop/x")).toThrow(/too many levels/);
  });
});
