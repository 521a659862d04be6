import { describe, expect, it } from "vitest";
import {
  decodeLogRecords, encodeFrame, encodeLogRecord, encodeResize, encodeSignal, FrameDecoder, FrameType, LogDecoder,
} from "./frames.js";

describe("socket frames", () => {
  it("encode an 8-byte header (type, 3 zero bytes, big-endian length) then the payload", () => {
    expect([...encodeFrame(FrameType.Stderr, "hi")]).toEqual([2, 0, 0, 0, 0, 0, 0, 2, 0x68, 0x69]);
    expect([...encodeFrame(FrameType.Start)]).toEqual([6, 0, 0, 0, 0, 0, 0, 0]);
    expect([...encodeSignal(15)]).toEqual([7, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 15]);
    expect([...encodeResize(24, 80)]).toEqual([5, 0, 0, 0, 0, 0, 0, 4, 0, 24, 0, 80]);
  });

  it("decode frames split at any byte boundary", () => {
    const stream = Buffer.concat([
      encodeFrame(1, "hello\n"), encodeFrame(2, "oops\n"), encodeFrame(3, '{"exitCode":3}'), encodeFrame(1, ""),
    ]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const dec = new FrameDecoder();
      const frames = [...dec.push(stream.subarray(0, cut)), ...dec.push(stream.subarray(cut))];
      expect(frames.map((f) => [f.type, f.payload.toString()])).toEqual([
        [1, "hello\n"], [2, "oops\n"], [3, '{"exitCode":3}'], [1, ""],
      ]);
      expect(dec.buffered).toBe(0);
    }
  });

  it("hand out the payloads of streamed types as views of the chunks, as they arrive, at any split", () => {
    const stream = Buffer.concat([encodeFrame(1, "hello\n"), encodeFrame(3, '{"exitCode":0}'), encodeFrame(2, "oops")]);
    for (let cut = 0; cut <= stream.length; cut++) {
      const dec = new FrameDecoder(new Set([1, 2]));
      const chunks = [stream.subarray(0, cut), stream.subarray(cut)];
      const frames = chunks.flatMap((c) => dec.push(c).map((f) => ({ ...f, chunk: c })));
      const join = (t: number) => frames.filter((f) => f.type === t).map((f) => f.payload.toString()).join("");
      expect([join(1), join(2), join(3)]).toEqual(["hello\n", "oops", '{"exitCode":0}']);
      expect(frames.filter((f) => f.type === 3)).toHaveLength(1); // a whole type stays whole
      for (const f of frames.filter((x) => x.type !== 3)) expect(f.payload.buffer).toBe(f.chunk.buffer); // no copy
      expect(dec.buffered).toBe(0);
    }
  });

  it("hold back an incomplete frame until the rest arrives", () => {
    const dec = new FrameDecoder();
    expect(dec.push(encodeFrame(1, "abcdef").subarray(0, 10))).toEqual([]);
    expect(dec.buffered).toBe(10);
  });
});

describe("log records", () => {
  it("round-trip stream, time and data", () => {
    const buf = Buffer.concat([encodeLogRecord(1, 1_700_000_000_123_456_789n, "a\n"), encodeLogRecord(2, 5n, "b")]);
    expect(decodeLogRecords(buf).map((r) => [r.stream, r.timeNs, r.data.toString()])).toEqual([
      [1, 1_700_000_000_123_456_789n, "a\n"], [2, 5n, "b"],
    ]);
  });

  it("ignore a truncated last record (the shim died mid-write)", () => {
    const buf = Buffer.concat([encodeLogRecord(1, 1n, "whole\n"), encodeLogRecord(1, 2n, "torn").subarray(0, 18)]);
    expect(decodeLogRecords(buf).map((r) => r.data.toString())).toEqual(["whole\n"]);
    const dec = new LogDecoder();
    expect(dec.push(buf.subarray(0, 3))).toEqual([]);
    expect(dec.push(buf.subarray(3)).length).toBe(1);
  });
});
