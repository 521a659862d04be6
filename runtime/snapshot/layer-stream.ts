/**
 * The uncompressed tar stream of a layer blob.
 *
 * Layer blobs come gzip-compressed (`…tar+gzip`, `…rootfs.diff.tar.gzip`), zstd-compressed (`…tar+zstd`, as Docker
 * 23+ and BuildKit push with `compression=zstd`) or plain (`docker save`'s layer.tar); the media type is not always
 * trustworthy (docker-archive has none), so the format is told by its magic bytes. The diff ID of a layer is the
 * sha256 of this uncompressed stream.
 */
import { Readable } from "node:stream";
import { pipeline } from "node:stream";
import { createGunzip } from "node:zlib";
import { invalidArgument } from "../errors.js";
import { digestOfHash, sha256Hasher } from "../store/digest.js";
import { zstdDecompress } from "./zstd.js";

const GZIP = [0x1f, 0x8b];
const ZSTD = [0x28, 0xb5, 0x2f, 0xfd];
const UNSUPPORTED: Array<[string, number[]]> = [
  ["bzip2", [0x42, 0x5a, 0x68]],
  ["xz", [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
];

/** Decompresses `source` when it starts with gzip's or zstd's magic; passes a plain tar through. */
export async function openLayerStream(source: AsyncIterable<Uint8Array>, label: string): Promise<Readable> {
  const it = source[Symbol.asyncIterator]();
  let head = Buffer.alloc(0);
  let done = false;
  while (head.length < 6 && !done) {
    const r = await it.next();
    if (r.done) done = true;
    else head = Buffer.concat([head, r.value]);
  }
  const rest = Readable.from(
    (async function* () {
      try {
        if (head.length > 0) yield head;
        if (done) return;
        for (;;) {
          const r = await it.next();
          if (r.done) return;
          yield Buffer.from(r.value.buffer, r.value.byteOffset, r.value.byteLength);
        }
      } finally {
        // a reader that stops early closes the source too (a blob's file, a request body)
        if (!done) await it.return?.();
      }
    })(),
    { objectMode: false },
  );
  if (startsWith(head, GZIP)) {
    // 1 MiB output buffers: the tar parser and the file writer then see a few big pieces instead of many 16 KiB ones
    return pipeline(rest, createGunzip({ chunkSize: 1 << 20 }), () => {});
  }
  if (startsWith(head, ZSTD)) return zstdDecompress(rest, label);
  for (const [name, magic] of UNSUPPORTED) {
    if (startsWith(head, magic)) throw invalidArgument(`${label}: ${name} compression is not supported`);
  }
  return rest;
}

/** The diff ID (sha256 of the uncompressed tar) of a layer blob, without unpacking it. */
export async function diffIdOf(source: AsyncIterable<Uint8Array>, label: string): Promise<string> {
  const hash = sha256Hasher();
  for await (const chunk of await openLayerStream(source, label)) hash.update(chunk as Buffer);
  return digestOfHash(hash);
}

function startsWith(buf: Buffer, magic: number[]): boolean {
  return buf.length >= magic.length && magic.every((b, i) => buf[i] === b);
}
