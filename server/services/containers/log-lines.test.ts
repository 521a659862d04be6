import { describe, expect, it } from "vitest";
import { dockerTimestamp, LogLineReader, timeNs } from "./log-lines";

function frame(type: number, text: string): Buffer {
  const data = Buffer.from(text);
  const header = Buffer.alloc(8);
  header[0] = type;
  header.writeUInt32BE(data.length, 4);
  return Buffer.concat([header, data]);
}

describe("log lines from the engine's log response", () => {
  it("reads the timestamp and the stream of each line of a container without a TTY", () => {
    const reader = new LogLineReader(false);
    const lines = reader.push(Buffer.concat([
      frame(1, "2026-01-02T03:04:05.123456789Z hello \x1b[31mred\x1b[0m\n"),
      frame(2, "2026-01-02T03:04:06Z oops\n"),
    ]));
    expect(lines).toEqual([
      { stream: "stdout", time: "2026-01-02T03:04:05.123456789Z", text: "hello \x1b[31mred\x1b[0m" },
      { stream: "stderr", time: "2026-01-02T03:04:06Z", text: "oops" },
    ]);
  });

  it("treats a TTY container's raw bytes as stdout, and keeps lines without a timestamp", () => {
    const reader = new LogLineReader(true);
    expect(reader.push(Buffer.from("2026-01-02T03:04:05Z $ ls\r\nno stamp"))).toEqual([{ stream: "stdout", time: "2026-01-02T03:04:05Z", text: "$ ls" }]);
    expect(reader.flush()).toEqual([{ stream: "stdout", time: null, text: "no stamp" }]);
  });
});

describe("log times", () => {
  it("orders RFC 3339 times exactly, whatever their fraction length or offset", () => {
    expect(timeNs("2026-01-02T03:04:05Z")).toBe(1767323045000000000n);
    expect(timeNs("2026-01-02T03:04:05.5Z")).toBe(1767323045500000000n);
    expect(timeNs("2026-01-02T03:04:05.000000001Z")).toBe(1767323045000000001n);
    expect(timeNs("2026-01-02T04:04:05+01:00")).toBe(timeNs("2026-01-02T03:04:05Z"));
    expect(timeNs("yesterday")).toBeNull();
  });

  it("writes Docker's since form: seconds with nine decimals", () => {
    expect(dockerTimestamp(1767323045000000001n)).toBe("1767323045.000000001");
  });
});
