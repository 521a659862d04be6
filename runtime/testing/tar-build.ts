/**
 * Building tar archives in tests: layers (hostile ones included) and whole image archives, byte for byte what the
 * test says, with tar-stream.
 */
import { execFileSync } from "node:child_process";
import { pack } from "tar-stream";
import { gzipSync } from "node:zlib";

type PackHeader = Parameters<ReturnType<typeof pack>["entry"]>[0];

export interface TarEntry {
  name: string;
  type?: "file" | "directory" | "symlink" | "link" | "character-device" | "block-device" | "fifo";
  /** file content */
  content?: string | Buffer;
  /** symlink target or hardlink source */
  linkname?: string;
  mode?: number;
  uid?: number;
  gid?: number;
  mtime?: Date;
  devmajor?: number;
  devminor?: number;
  pax?: Record<string, string>;
}

export async function tarOf(entries: TarEntry[]): Promise<Buffer> {
  const p = pack();
  for (const e of entries) {
    const type = e.type ?? "file";
    const header: PackHeader = {
      name: e.name,
      type,
      mode: e.mode ?? (type === "directory" ? 0o755 : 0o644),
      uid: e.uid ?? 0,
      gid: e.gid ?? 0,
      mtime: e.mtime ?? new Date(1_700_000_000_000),
      linkname: e.linkname,
      devmajor: e.devmajor,
      devminor: e.devminor,
      ...(e.pax ? { pax: e.pax } : {}),
    } as PackHeader;
    if (type === "file") p.entry(header, e.content ?? "");
    else p.entry(header);
  }
  p.finalize();
  const chunks: Buffer[] = [];
  for await (const chunk of p) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export function gzip(data: Buffer): Buffer {
  return gzipSync(data);
}

/** zstd-compressed, by Debian's `zstd` program (as hakod decompresses it: see snapshot/zstd.ts). */
export function zstd(data: Buffer): Buffer {
  return execFileSync("zstd", ["-c", "-q", "-3"], { input: data, maxBuffer: 1 << 30 });
}
