/**
 * The uncompressed stream of a layer: told by magic bytes (gzip, zstd, plain), and a reader that stops early lets go
 * of the source (a blob's file, a request body) and of the zstd program.
 */
import { randomBytes } from "node:crypto";
import { describe, expect, it } from "vitest";
import { gzip, tarOf, zstd } from "../testing/tar-build.js";
import { openLayerStream } from "./layer-stream.js";

/** A source in small pieces that records whether it was closed. */
function trackedSource(bytes: Buffer): { source: AsyncIterable<Uint8Array>; closed: () => boolean } {
  let closed = false;
  async function* pieces() {
    try {
      for (let at = 0; at < bytes.length; at += 4096) yield bytes.subarray(at, at + 4096);
    } finally {
      closed = true;
    }
  }
  return { source: pieces(), closed: () => closed };
}

async function readAll(source: AsyncIterable<Uint8Array>): Promise<Buffer> {
  const parts: Buffer[] = [];
  for await (const chunk of await openLayerStream(source, "layer x")) parts.push(chunk as Buffer);
  return Buffer.concat(parts);
}

describe("openLayerStream", () => {
  it("gives the same tar from a gzip, a zstd and a plain layer", async () => {
    const tar = await tarOf([{ name: "data", content: randomBytes(200_000) }]);
    for (const blob of [gzip(tar), zstd(tar), tar]) expect((await readAll(trackedSource(blob).source)).equals(tar)).toBe(true);
  });

  it("closes the source when the reader stops early, for gzip, zstd and plain layers", async () => {
    const tar = await tarOf([{ name: "data", content: Buffer.alloc(4_000_000, 7) }]);
    for (const blob of [gzip(tar), zstd(tar), tar]) {
      const tracked = trackedSource(blob);
      const plain = await openLayerStream(tracked.source, "layer x");
      for await (const chunk of plain) {
        expect((chunk as Buffer).length).toBeGreaterThan(0);
        break; // destroys the stream
      }
      for (let i = 0; i < 100 && !tracked.closed(); i++) await new Promise((r) => setTimeout(r, 50));
      expect(tracked.closed()).toBe(true);
    }
  });

  it("fails a truncated zstd stream with DataCorruption naming the layer", async () => {
    const packed = zstd(await tarOf([{ name: "data", content: randomBytes(100_000) }]));
    await expect(readAll(trackedSource(packed.subarray(0, packed.length >> 1)).source))
      .rejects.toMatchObject({ kind: "DataCorruption", message: expect.stringMatching(/^layer x: not a valid zstd stream \(.+\)$/) });
  });
});
