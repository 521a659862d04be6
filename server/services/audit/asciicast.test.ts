/** asciicast v2 as transcripts store it: events with their times, the size cap, and reading a cast back. */
import { describe, expect, it } from "vitest";
import { CastWriter, parseCast } from "./asciicast";

const header = { version: 2 as const, width: 80, height: 24, timestamp: 1_700_000_000, command: "sh" };

describe("asciicast", () => {
  it("writes a header line and one [seconds, code, data] line per event, readable back", () => {
    const cast = new CastWriter(header, 1 << 20);
    cast.add("o", "$ ", 1_700_000_000_250);
    cast.add("i", "ls\r", 1_700_000_001_000);
    cast.add("r", "100x30", 1_700_000_001_500);
    cast.add("o", "\u001b[31mred <b>\u001b[0m", 1_700_000_002_000);
    const lines = cast.text().trimEnd().split("\n");
    expect(JSON.parse(lines[0]!)).toEqual(header);
    expect(lines.slice(1).map((l) => JSON.parse(l))).toEqual([[0.25, "o", "$ "], [1, "i", "ls\r"], [1.5, "r", "100x30"], [2, "o", "\u001b[31mred <b>\u001b[0m"]]);
    expect(cast.bytes).toBe(Buffer.byteLength(cast.text()));
    expect(parseCast(cast.text())).toEqual({ header, events: [[0.25, "o", "$ "], [1, "i", "ls\r"], [1.5, "r", "100x30"], [2, "o", "\u001b[31mred <b>\u001b[0m"]] });
  });

  it("stops at the cap: the event that does not fit and all later ones are dropped, and the cast says so", () => {
    const cap = Buffer.byteLength(`${JSON.stringify(header)}\n`) + 40;
    const cast = new CastWriter(header, cap, 0);
    expect(cast.add("o", "a".repeat(10), 0)).toBe(true);
    expect(cast.add("o", "b".repeat(30), 0)).toBe(false);
    expect(cast.add("o", "c", 0)).toBe(false); // even a small one: the record stays a prefix of the session
    expect(cast.truncated).toBe(true);
    expect(cast.bytes).toBeLessThanOrEqual(cap);
    expect(parseCast(cast.text()).events).toEqual([[0, "o", "a".repeat(10)]]);
  });

  it("skips a torn last line when reading", () => {
    const cast = new CastWriter(header, 1 << 20, 0);
    cast.add("o", "ok", 0);
    expect(parseCast(`${cast.text()}[1.5, "o", "tor`).events).toEqual([[0, "o", "ok"]]);
  });
});
