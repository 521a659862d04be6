import { describe, expect, it } from "vitest";
import { parseGoDuration, parseTimestampNs } from "./time-params.js";

const NOW = 1_795_848_175_500_000_000n;
const S = 1_000_000_000n;

describe("Docker's since/until values", () => {
  it("reads unix seconds with a fraction, as the docker CLI sends them", () => {
    expect(parseTimestampNs("1700000000", "since", NOW)).toBe(1_700_000_000n * S);
    expect(parseTimestampNs("1700000000.5", "since", NOW)).toBe(1_700_000_000n * S + 500_000_000n);
    expect(parseTimestampNs("1704067200.123456789", "until", NOW)).toBe(1_704_067_200_123_456_789n);
    expect(parseTimestampNs("1704067200.000000000", "until", NOW)).toBe(1_704_067_200n * S);
  });

  it("takes no value, an empty value and 0 as no bound", () => {
    expect(parseTimestampNs(null, "since", NOW)).toBe(0n);
    expect(parseTimestampNs("", "since", NOW)).toBe(0n);
    expect(parseTimestampNs("0", "until", NOW)).toBe(0n);
  });

  it("reads RFC 3339 to the nanosecond, with a zone", () => {
    expect(parseTimestampNs("2024-01-01T00:00:00.123456789Z", "since", NOW)).toBe(1_704_067_200_123_456_789n);
    expect(parseTimestampNs("2024-01-01T02:00:00+02:00", "since", NOW)).toBe(1_704_067_200n * S);
  });

  it("reads durations back from now, and now", () => {
    expect(parseTimestampNs("5m", "since", NOW)).toBe(NOW - 300n * S);
    expect(parseTimestampNs("1h30m", "since", NOW)).toBe(NOW - 5400n * S);
    expect(parseTimestampNs("now", "until", NOW)).toBe(NOW);
    expect(parseGoDuration("1.5s")).toBe(1_500_000_000n);
    expect(parseGoDuration("-2m")).toBe(-120n * S);
    expect(parseGoDuration("300ms")).toBe(300_000_000n);
    expect(parseGoDuration("5")).toBeNull();
  });

  it("refuses anything else, naming the parameter", () => {
    expect(() => parseTimestampNs("yesterday", "since", NOW)).toThrow(/invalid value for "since"/);
    expect(() => parseTimestampNs("2024-13-45T00:00:00Z", "until", NOW)).toThrow(/"until"/);
    expect(() => parseTimestampNs("-5", "since", NOW)).toThrow(/"since"/);
  });
});
