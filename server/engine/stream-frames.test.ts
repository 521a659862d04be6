import { describe, expect, it } from "vitest";
import { FrameDemuxer, LineSplitter } from "./stream-frames";

function frame(type: number, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

describe("multiplexed stream frames", () => {
  it("separates stdout and stderr, and leaves out stdin", () => {
    const frames = new FrameDemuxer().push(Buffer.concat([frame(1, "out\n"), frame(2, "err\n"), frame(0, "in\n")]));
    expect(frames.map((f) => [f.stream, f.data.toString()])).toEqual([["stdout", "out\n"], ["stderr", "err\n"]]);
  });

  it("reassembles frames split at any byte, headers included", () => {
    const bytes = Buffer.concat([frame(1, "hello "), frame(2, "world\n"), frame(1, "again\n")]);
    for (let cut = 1; cut < bytes.length; cut++) {
      const demuxer = new FrameDemuxer();
      const frames = [...demuxer.push(bytes.subarray(0, cut)), ...demuxer.push(bytes.subarray(cut))];
      expect(frames.map((f) => f.data.toString()).join("|"), `cut at ${cut}`).toBe("hello |world\n|again\n");
    }
  });
});

describe("lines", () => {
  it("splits on newlines across chunks, drops a \\r before \\n, and flushes an unterminated last line", () => {
    const lines = new LineSplitter();
    expect(lines.push(Buffer.from("one\r\ntw")).map(String)).toEqual(["one"]);
    expect(lines.push(Buffer.from("o\n\nthr")).map(String)).toEqual(["two", ""]);
    expect(lines.flush().map(String)).toEqual(["thr"]);
    expect(lines.flush()).toEqual([]);
  });

  it("cuts an endless line so that it cannot hold the stream in memory", () => {
    const lines = new LineSplitter(10);
    expect(lines.push(Buffer.from("x".repeat(25))).map((l) => l.length)).toEqual([25]);
    expect(lines.push(Buffer.from("short\n")).map(String)).toEqual(["short"]);
  });
});
