import { Readable } from "node:stream";
import { extract } from "tar-stream";
import { describe, expect, it } from "vitest";
import { tarOf } from "./tar-writer";

async function read(blob: Blob): Promise<Record<string, string>> {
  const bytes = Buffer.from(await blob.arrayBuffer());
  const out: Record<string, string> = {};
  const reader = extract();
  reader.on("entry", (header, stream, next) => {
    const chunks: Buffer[] = [];
    stream.on("data", (c: unknown) => chunks.push(c as Buffer));
    stream.on("end", () => {
      out[header.name] = Buffer.concat(chunks).toString();
      next();
    });
  });
  await new Promise<void>((resolve, reject) => {
    reader.on("finish", resolve);
    reader.on("error", reject);
    Readable.from([bytes]).pipe(reader);
  });
  return out;
}

describe("tar of a chosen folder", () => {
  it("is a tar that a standard reader reads back, long names included", async () => {
    const long = `${"deep/".repeat(30)}file.txt`;
    const blob = tarOf([
      { path: "Dockerfile", data: new Blob(["FROM busybox\n"]), mtime: 1_700_000_000 },
      { path: long, data: new Blob(["x".repeat(700)]), mtime: 1_700_000_000 },
      { path: "empty", data: new Blob([]), mtime: 0 },
    ]);
    expect(blob.size % 512).toBe(0);
    expect(await read(blob)).toEqual({ Dockerfile: "FROM busybox\n", [long]: "x".repeat(700), empty: "" });
  });
});
