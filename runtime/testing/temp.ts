/**
 * Scratch directories for tests and a way to see everything under one, to assert "nothing changed" or "nothing was
 * written outside".
 */
import { spawnSync } from "node:child_process";
import { lstat, mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar-stream";

export async function tempDir(prefix = "hako-test-"): Promise<{ path: string; cleanup(): Promise<void> }> {
  const path = await mkdtemp(join(tmpdir(), prefix));
  return { path, cleanup: () => rm(path, { recursive: true, force: true }) };
}

/** Every path below `dir` with its type and size, sorted: equal lists mean nothing was added, removed or resized. */
export async function treeOf(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (rel: string) => {
    for (const name of await readdir(join(dir, rel))) {
      const path = rel ? `${rel}/${name}` : name;
      const st = await lstat(join(dir, path));
      const kind = st.isDirectory() ? "dir" : st.isSymbolicLink() ? "link" : st.isFile() ? `file ${st.size}` : "other";
      out.push(`${path} (${kind})`);
      if (st.isDirectory()) await walk(path);
    }
  };
  await walk("");
  return out.sort();
}

/**
 * Extended attributes of one file or directory (trusted.* included), read with GNU tar, which needs no extra package:
 * `tar --xattrs` stores them as PAX `SCHILY.xattr.<name>` records.
 */
export async function xattrsOf(parent: string, name: string): Promise<Record<string, string>> {
  const r = spawnSync("tar", ["--xattrs", "--xattrs-include=*", "--no-recursion", "-C", parent, "-cf", "-", name], {
    maxBuffer: 64 << 20,
  });
  if (r.status !== 0) throw new Error(`tar --xattrs failed: ${r.stderr.toString()}`);
  const ex = extract();
  ex.end(r.stdout);
  const attrs: Record<string, string> = {};
  for await (const entry of ex) {
    for (const [key, value] of Object.entries((entry.header.pax ?? {}) as Record<string, string>)) {
      if (key.startsWith("SCHILY.xattr.")) attrs[key.slice("SCHILY.xattr.".length)] = value;
    }
    entry.resume();
  }
  return attrs;
}
