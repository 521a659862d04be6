import { closeSync, openSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { writeFileBody } from "./file-body.js";

const MiB = 1 << 20;

/** `count` pieces of `size` bytes, each after a pause: the tar data trickling in behind the writes */
async function* trickle(count: number, size: number, pauseMs: number): AsyncIterable<Uint8Array> {
  for (let i = 0; i < count; i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, pauseMs));
    yield Buffer.alloc(size, 97 + (i % 26));
  }
}

describe("writeFileBody", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  const unhandled: unknown[] = [];
  const onUnhandled = (reason: unknown) => unhandled.push(reason);
  beforeEach(async () => {
    dir = await tempDir();
    unhandled.length = 0;
    process.on("unhandledRejection", onUnhandled);
  });
  afterEach(async () => {
    process.off("unhandledRejection", onUnhandled);
    await dir.cleanup();
  });

  it("writes a body of several batches whole, in order", async () => {
    const file = join(dir.path, "f");
    const fd = openSync(file, "wx");
    try {
      await writeFileBody(fd, trickle(5, MiB, 0));
    } finally {
      closeSync(fd);
    }
    const written = readFileSync(file);
    expect(written.length).toBe(5 * MiB);
    for (let i = 0; i < 5; i++) expect(written[i * MiB]).toBe(97 + i);
  });

  it("throws a write that fails while more data is awaited (a full disk), without an unhandled rejection", async () => {
    const fd = openSync("/dev/full", "w");
    try {
      // the first batch's write fails at once, long before the second piece arrives
      await expect(writeFileBody(fd, trickle(2, MiB, 200))).rejects.toMatchObject({ code: "ENOSPC" });
    } finally {
      closeSync(fd);
    }
    await new Promise((r) => setImmediate(r));
    expect(unhandled).toEqual([]);
  });
});
