/**
 * The upper directory of an overlay → an OCI layer, with overlayfs' own whiteout markers (made with mknod and
 * setfattr here, as overlayfs makes them; root needed for trusted.* and device nodes).
 */
import { spawnSync } from "node:child_process";
import { mkdirSync, readFileSync, symlinkSync, utimesSync, writeFileSync, linkSync } from "node:fs";
import { join } from "node:path";
import { gunzipSync } from "node:zlib";
import { extract } from "tar-stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { digestOf } from "../store/digest.js";
import { tempDir } from "../testing/temp.js";
import { diffLayer } from "./layer-diff.js";

const isRoot = process.getuid?.() === 0;

async function entries(gz: Buffer): Promise<Array<{ name: string; type: string; mtime: number; linkname?: string | null }>> {
  const ex = extract();
  ex.end(gunzipSync(gz));
  const out = [];
  for await (const e of ex) {
    out.push({ name: e.header.name, type: e.header.type as string, mtime: (e.header.mtime as Date).getTime() / 1000,
      ...(e.header.linkname ? { linkname: e.header.linkname } : {}) });
    e.resume();
  }
  return out;
}

describe.skipIf(!isRoot)("layer diff: overlay upper directory → OCI layer", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  beforeEach(async () => {
    dir = await tempDir("hako-diff-");
  });
  afterEach(async () => {
    await dir.cleanup();
  });

  function upper(): string {
    const u = join(dir.path, "upper");
    mkdirSync(join(u, "etc", "opaque"), { recursive: true });
    writeFileSync(join(u, "etc", "new.conf"), "x=1\n");
    linkSync(join(u, "etc", "new.conf"), join(u, "etc", "hard.conf"));
    symlinkSync("new.conf", join(u, "etc", "link.conf"));
    writeFileSync(join(u, "etc", "opaque", "kept"), "k");
    expect(spawnSync("mknod", [join(u, "etc", "gone"), "c", "0", "0"]).status).toBe(0);
    expect(spawnSync("setfattr", ["-n", "trusted.overlay.opaque", "-v", "y", join(u, "etc", "opaque")]).status).toBe(0);
    return u;
  }

  it("writes whiteouts and opaque markers the OCI way, sorted, without a ./ prefix", async () => {
    const r = await diffLayer(upper(), join(dir.path, "l.tar.gz"));
    const gz = readFileSync(r.path);
    expect(r.digest).toBe(digestOf(gz));
    expect(r.diffId).toBe(digestOf(gunzipSync(gz)));
    const names = (await entries(gz)).map((e) => `${e.type} ${e.name}${e.linkname ? ` -> ${e.linkname}` : ""}`);
    // GNU tar's name order: the first name of a hardlinked pair carries the content
    expect(names).toEqual([
      "directory etc",
      "file etc/.wh.gone",
      "file etc/hard.conf",
      "symlink etc/link.conf -> new.conf",
      "link etc/new.conf -> etc/hard.conf",
      "directory etc/opaque",
      "file etc/opaque/.wh..wh..opq",
      "file etc/opaque/kept",
    ]);
  });

  it("gives the same bytes for the same tree, with mtimes clamped to SOURCE_DATE_EPOCH", async () => {
    const u = upper();
    utimesSync(join(u, "etc", "new.conf"), 2_000_000_000, 2_000_000_000);
    const a = await diffLayer(u, join(dir.path, "a.tar.gz"), { sourceDateEpoch: 1_700_000_000 });
    const b = await diffLayer(u, join(dir.path, "b.tar.gz"), { sourceDateEpoch: 1_700_000_000 });
    expect(a.digest).toBe(b.digest);
    const mtimes = (await entries(readFileSync(a.path))).map((e) => e.mtime);
    expect(Math.max(...mtimes)).toBeLessThanOrEqual(1_700_000_000);
  });

  it("leaves out excluded paths (mount points the runtime created)", async () => {
    const u = upper();
    mkdirSync(join(u, "proc"));
    const r = await diffLayer(u, join(dir.path, "l.tar.gz"), { exclude: (p) => p === "proc" });
    expect((await entries(readFileSync(r.path))).map((e) => e.name)).not.toContain("proc");
  });
});
