import { describe, expect, it } from "vitest";
import { exactBytes, exactTime, humanSize, relativeTime, shortId } from "./format";

describe("humanised values", () => {
  it("sizes in decimal units like the docker CLI, exact bytes for the tooltip", () => {
    expect(humanSize(0)).toBe("0 B");
    expect(humanSize(999)).toBe("999 B");
    expect(humanSize(4_431_234)).toBe("4.43 MB");
    expect(humanSize(12_345_678)).toBe("12.3 MB");
    expect(humanSize(1_500_000_000)).toBe("1.50 GB");
    expect(exactBytes(4_431_234)).toBe("4,431,234 bytes");
  });

  it("times relative to now, exact UTC for the tooltip", () => {
    const now = new Date("2026-11-28T12:00:00Z");
    expect(relativeTime(new Date("2026-11-28T11:58:00Z"), now)).toBe("2 minutes ago");
    expect(relativeTime(new Date("2026-11-28T11:59:58Z"), now)).toBe("just now");
    expect(relativeTime(new Date("2026-11-27T12:00:00Z"), now)).toBe("yesterday");
    expect(exactTime(new Date("2026-11-28T11:58:07.123Z"))).toBe("2026-11-28 11:58:07 UTC");
  });

  it("short IDs drop the algorithm and keep 12 hex digits", () => {
    expect(shortId("sha256:0123456789abcdef0123")).toBe("0123456789ab");
  });
});
