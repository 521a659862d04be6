/**
 * Packing a directory tree of the host into a tar stream (for `cp` out of a container and `export`): entries are
 * read with lstat and never followed (a symlink is packed as a symlink), files are opened O_NOFOLLOW, files with
 * several links become hardlink entries after the first, sockets are left out. A file that changes size while it is
 * read is cut or zero-padded to the size its header announced, so the archive stays well formed.
 *
 * File system calls are synchronous, as in layer-apply.ts: each is one short syscall, and the thread-pool round trip
 * of the async versions made packing a small image's few hundred files several times slower. The stream's
 * back-pressure is awaited between chunks, so the event loop still turns.
 */
import { closeSync, constants, lstatSync, openSync, readdirSync, readlinkSync, readSync } from "node:fs";
import { join } from "node:path";
import type { Pack } from "tar-stream";

type Header = Parameters<Pack["entry"]>[0];

const CHUNK = 256 * 1024;

export class TreePacker {
  private readonly links = new Map<string, string>();

  constructor(private readonly pack: Pack) {}

  /**
   * Packs `hostPath` as the entry `name` and, for a directory, everything below it as `name/…`. With `name` "" the
   * directory's contents are packed at the top level (`bin/`, `bin/sh`, …) without an entry for the directory itself.
   */
  async add(hostPath: string, name: string): Promise<void> {
    const st = lstatSync(hostPath);
    const base: Header = {
      name,
      mode: st.mode & 0o7777,
      uid: st.uid,
      gid: st.gid,
      mtime: st.mtime,
    };
    if (st.isDirectory()) {
      if (name !== "") await this.entry({ ...base, name: name.endsWith("/") ? name : `${name}/`, type: "directory" });
      const children = readdirSync(hostPath).sort();
      const prefix = name === "" ? "" : name.endsWith("/") ? name : `${name}/`;
      for (const child of children) await this.add(join(hostPath, child), `${prefix}${child}`);
      return;
    }
    if (st.isSymbolicLink()) {
      await this.entry({ ...base, type: "symlink", linkname: readlinkSync(hostPath) });
      return;
    }
    if (st.isFile()) {
      const key = `${st.dev}:${st.ino}`;
      const first = st.nlink > 1 ? this.links.get(key) : undefined;
      if (first !== undefined) {
        await this.entry({ ...base, type: "link", linkname: first });
        return;
      }
      if (st.nlink > 1) this.links.set(key, name);
      await this.file(hostPath, { ...base, type: "file", size: st.size });
      return;
    }
    const dev = { devmajor: Math.floor(st.rdev / 256) & 0xfff, devminor: (st.rdev & 0xff) | (Math.floor(st.rdev / 4096) & 0xfff00) };
    if (st.isCharacterDevice()) await this.entry({ ...base, type: "character-device", ...dev });
    else if (st.isBlockDevice()) await this.entry({ ...base, type: "block-device", ...dev });
    else if (st.isFIFO()) await this.entry({ ...base, type: "fifo" });
    // sockets: not archivable
  }

  private entry(header: Header): Promise<void> {
    return new Promise((resolve, reject) => {
      this.pack.entry(header, (err) => (err ? reject(err) : resolve()));
    });
  }

  private async file(hostPath: string, header: Header): Promise<void> {
    const size = header.size ?? 0;
    const fd = openSync(hostPath, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
    try {
      await new Promise<void>((resolve, reject) => {
        const sink = this.pack.entry(header, (err) => (err ? reject(err) : resolve()));
        void (async () => {
          let done = 0;
          while (done < size) {
            const want = Math.min(CHUNK, size - done);
            const buf = Buffer.allocUnsafe(want);
            const got = readSync(fd, buf, 0, want, done);
            // the file shrank: pad with zeros to the announced size
            const chunk = got > 0 ? buf.subarray(0, got) : Buffer.alloc(want);
            done += chunk.length;
            if (!sink.write(chunk)) await new Promise<void>((r) => sink.once("drain", () => r()));
          }
          (sink as unknown as NodeJS.WritableStream).end();
        })().catch((err: Error) => {
          sink.destroy(err);
          reject(err);
        });
      });
    } finally {
      closeSync(fd);
    }
  }
}
