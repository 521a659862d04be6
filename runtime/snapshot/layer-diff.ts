/**
 * Layer diff: the writable (upper) directory of an overlay mount turned back into an OCI layer tar — the inverse of
 * layer-apply.ts + overlay-markers.ts — for `docker build` (RUN/COPY steps) and `docker commit`.
 *
 * overlayfs records changes in the upper directory this way; each becomes the OCI form (image spec layer.md):
 * - a deleted file is a character device 0:0 → an empty regular file `.wh.<name>`;
 * - a directory whose lower contents are hidden carries xattr `trusted.overlay.opaque=y` → the directory plus
 *   `<dir>/.wh..wh..opq`;
 * - everything else (new or changed files, directories, symlinks, hardlinks) is written as it is.
 *
 * GNU tar walks the directory (it reads trusted.* xattrs as root and finds hardlinks); its stream is rewritten with
 * tar-stream into a normalised layer: entries sorted by name, no "./" prefix, numeric owners only, no xattrs, atime
 * or ctime, mtimes clamped to `sourceDateEpoch` when given, gzip with a fixed header. So the same upper directory
 * always gives the same bytes, hence the same diff ID and digest (reproducible builds).
 *
 * Usage: `const layer = await diffLayer(upperDir, join(tmp, "layer.tar.gz"), { sourceDateEpoch })`, then store
 * `layer.path` as the blob `layer.digest` (media type application/vnd.oci.image.layer.v1.tar+gzip).
 */
import { spawn } from "node:child_process";
import { createWriteStream } from "node:fs";
import { once } from "node:events";
import { extract as tarExtract, pack as tarPack, type Pack } from "tar-stream";
import { createGzip } from "node:zlib";
import { internal } from "../errors.js";
import { digestOfHash, sha256Hasher } from "../store/digest.js";

export interface DiffOptions {
  /** seconds since the epoch: later mtimes are clamped to it */
  sourceDateEpoch?: number;
  /** layer paths (no leading "/") to leave out, e.g. mount points the runtime created */
  exclude?: (path: string) => boolean;
}

export interface DiffResult {
  /** where the gzip-compressed layer was written */
  path: string;
  /** sha256 of the uncompressed tar */
  diffId: string;
  /** sha256 of the compressed blob */
  digest: string;
  /** compressed size in bytes */
  compressedSize: number;
  /** bytes of regular file content */
  size: number;
  /** number of entries (0: the step changed nothing) */
  entries: number;
}

type Header = Parameters<Pack["entry"]>[0];

const OPAQUE_XATTR = "SCHILY.xattr.trusted.overlay.opaque";

export async function diffLayer(upperDir: string, target: string, opts: DiffOptions = {}): Promise<DiffResult> {
  const tar = spawn("tar", ["--xattrs", "--xattrs-include=trusted.overlay.opaque", "--sort=name", "--numeric-owner",
    "--format=posix", "-C", upperDir, "-cf", "-", "."], { stdio: ["ignore", "pipe", "pipe"] });
  let stderr = "";
  tar.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number>((resolve, reject) => {
    tar.on("error", reject);
    tar.on("close", (code) => resolve(code ?? 1));
  });
  const extract = tarExtract();
  tar.stdout.pipe(extract);
  const pack = tarPack();
  let size = 0;
  let entries = 0;
  const clamp = (d: Date | undefined): Date => {
    const t = d ?? new Date(0);
    if (opts.sourceDateEpoch === undefined) return t;
    return t.getTime() > opts.sourceDateEpoch * 1000 ? new Date(opts.sourceDateEpoch * 1000) : t;
  };
  const rewriting = (async () => {
    for await (const entry of extract) {
      const h = entry.header;
      const name = h.name.replace(/^\.\//, "").replace(/\/$/, "");
      const skip = name === "" || name === "." || (opts.exclude?.(name) ?? false);
      const base: Header = { name, mode: h.mode, uid: h.uid, gid: h.gid, uname: "", gname: "", mtime: clamp(h.mtime) };
      if (skip) {
        // drained by the extractor as the loop moves on; waiting for "end" here hung on body-less entries
        entry.resume();
        continue;
      }
      entries++;
      if (h.type === "character-device" && h.devmajor === 0 && h.devminor === 0) {
        const slash = name.lastIndexOf("/");
        const wh = `${name.slice(0, slash + 1)}.wh.${name.slice(slash + 1)}`;
        await add(pack, { ...base, name: wh, type: "file", mode: 0o644, size: 0 });
      } else if (h.type === "directory") {
        await add(pack, { ...base, type: "directory" });
        if ((h.pax as Record<string, string> | undefined)?.[OPAQUE_XATTR] === "y") {
          await add(pack, { ...base, name: `${name}/.wh..wh..opq`, type: "file", mode: 0o644, size: 0 });
        }
      } else if (h.type === "file" || h.type === "contiguous-file") {
        size += h.size ?? 0;
        let sink: ReturnType<Pack["entry"]> | undefined;
        const written = new Promise<void>((resolve, reject) => {
          sink = pack.entry({ ...base, type: "file", size: h.size ?? 0 }, (err) => (err ? reject(err) : resolve()));
        });
        for await (const chunk of entry) {
          if (!(sink as ReturnType<Pack["entry"]>).write(chunk as Buffer)) await once(sink as never, "drain");
        }
        (sink as ReturnType<Pack["entry"]>).end(undefined as never);
        await written;
        continue;
      } else if (h.type === "symlink" || h.type === "link") {
        const linkname = h.type === "link" ? (h.linkname ?? "").replace(/^\.\//, "") : h.linkname;
        await add(pack, { ...base, type: h.type, linkname });
      } else if (h.type === "character-device" || h.type === "block-device" || h.type === "fifo") {
        await add(pack, { ...base, type: h.type, devmajor: h.devmajor, devminor: h.devminor });
      }
      entry.resume();
    }
    pack.finalize();
  })();
  const diffHash = sha256Hasher();
  const blobHash = sha256Hasher();
  let compressedSize = 0;
  // mtime 0 and no file name: gzip's header depends on nothing but the data
  const gzip = createGzip({ level: 6 });
  const out = createWriteStream(target, { mode: 0o644 });
  gzip.on("data", (c: Buffer) => {
    blobHash.update(c);
    compressedSize += c.length;
  });
  const closed = once(out, "close");
  gzip.pipe(out);
  const feeding = (async () => {
    for await (const chunk of pack) {
      diffHash.update(chunk as Buffer);
      if (!gzip.write(chunk)) await once(gzip, "drain");
    }
    gzip.end();
  })();
  await Promise.all([rewriting, feeding]);
  await closed;
  const code = await exited;
  if (code !== 0) throw internal(`tar failed reading the changes in ${upperDir} (exit ${code}): ${stderr.trim()}`);
  return { path: target, diffId: digestOfHash(diffHash), digest: digestOfHash(blobHash), compressedSize, size, entries };
}

function add(pack: Pack, header: Header): Promise<void> {
  return new Promise((resolve, reject) => {
    // a file entry without a buffer waits for its body to be written: give empty ones theirs
    if (header.type === "file") pack.entry(header, Buffer.alloc(0), (err) => (err ? reject(err) : resolve()));
    else pack.entry(header, (err) => (err ? reject(err) : resolve()));
  });
}
