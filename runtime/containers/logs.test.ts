import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { encodeLogRecord, type LogRecord } from "../oci/frames.js";
import { tempDir } from "../testing/temp.js";
import { formatLogTimestamp, parseTail, parseTimestampNs, readLogLines, recordsToLines, selectLines } from "./logs.js";

const rec = (stream: 1 | 2, t: number, data: string): LogRecord => ({ stream, timeNs: BigInt(t), data: Buffer.from(data) });
const text = (lines: { data: Buffer }[]): string[] => lines.map((l) => l.data.toString());
const ALL = { stdout: true, stderr: true, sinceNs: 0n, untilNs: 0n, tail: -1 };

describe("container log lines", () => {
  it("split records into lines and join a line written in pieces", () => {
    const lines = recordsToLines([rec(1, 1, "a\nb"), rec(2, 2, "err\n"), rec(1, 3, "c\nd\n"), rec(1, 4, "partial")]);
    // a line is placed (and time-stamped) where it began
    expect(text(lines)).toEqual(["a\n", "bc\n", "err\n", "d\n", "partial"]);
    expect(lines.map((l) => l.timeNs)).toEqual([1n, 1n, 2n, 3n, 4n]);
  });

  it("filter by stream, time and tail", () => {
    const lines = recordsToLines([rec(1, 10, "o1\n"), rec(2, 20, "e1\n"), rec(1, 30, "o2\n"), rec(1, 40, "o3\n")]);
    expect(text(selectLines(lines, { ...ALL, stderr: false }))).toEqual(["o1\n", "o2\n", "o3\n"]);
    expect(text(selectLines(lines, { ...ALL, stdout: false }))).toEqual(["e1\n"]);
    expect(text(selectLines(lines, { ...ALL, tail: 1 }))).toEqual(["o3\n"]);
    expect(text(selectLines(lines, { ...ALL, tail: 0 }))).toEqual([]);
    expect(text(selectLines(lines, { ...ALL, sinceNs: 20n, untilNs: 30n }))).toEqual(["e1\n", "o2\n"]);
  });

  it("parse Docker's since/until and tail values", () => {
    expect(parseTimestampNs("1700000000", "since")).toBe(1_700_000_000_000_000_000n);
    expect(parseTimestampNs("1700000000.5", "since")).toBe(1_700_000_000_500_000_000n);
    expect(parseTimestampNs("0", "since")).toBe(0n);
    expect(parseTimestampNs("2026-11-28T00:00:00Z", "since")).toBe(BigInt(Date.parse("2026-11-28T00:00:00Z")) * 1_000_000n);
    expect(() => parseTimestampNs("yesterday", "since")).toThrow(/invalid value for "since"/);
    expect(parseTail("all")).toBe(-1);
    expect(parseTail("5")).toBe(5);
    expect(() => parseTail("five")).toThrow(/tail/);
  });

  it("stamp lines with nine fraction digits, like dockerd", () => {
    expect(formatLogTimestamp(1_700_000_000_123_000_000n)).toBe("2023-11-14T22:13:20.123000000Z");
  });

  it("read a log file, ignoring a torn last record; a missing log is empty", async () => {
    const dir = await tempDir();
    try {
      const file = join(dir.path, "container.log");
      const torn = encodeLogRecord(1, 3n, "torn\n").subarray(0, 20);
      await writeFile(file, Buffer.concat([encodeLogRecord(1, 1n, "hello\n"), encodeLogRecord(2, 2n, "oops\n"), torn]));
      expect(text(await readLogLines(file, ALL))).toEqual(["hello\n", "oops\n"]);
      expect(await readLogLines(join(dir.path, "nothing"), ALL)).toEqual([]);
    } finally {
      await dir.cleanup();
    }
  });
});
