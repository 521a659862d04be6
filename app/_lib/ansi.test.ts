import { describe, expect, it } from "vitest";
import { color256, parseAnsi } from "./ansi";
import { highlight, matchRanges } from "./highlight";

const ESC = "\x1b";

describe("ANSI SGR parsing for the log view", () => {
  it("keeps plain text as one unstyled segment", () => {
    expect(parseAnsi("hello world")).toEqual([{ text: "hello world", style: {} }]);
  });

  it("turns colour and weight escapes into styles, and resets them", () => {
    expect(parseAnsi(`${ESC}[1;31mERROR${ESC}[0m done`)).toEqual([
      { text: "ERROR", style: { bold: true, fg: "#f14c4c" } },
      { text: " done", style: {} },
    ]);
    expect(parseAnsi(`${ESC}[42mbg${ESC}[49m${ESC}[94mbright`)).toEqual([
      { text: "bg", style: { bg: "#23d18b" } },
      { text: "bright", style: { fg: "#6cb6ff" } },
    ]);
  });

  it("reads 256-colour and truecolour, clamping what is out of range", () => {
    expect(parseAnsi(`${ESC}[38;5;196mred`)[0]?.style.fg).toBe(color256(196));
    expect(color256(196)).toBe("rgb(255, 0, 0)");
    expect(color256(244)).toBe("rgb(128, 128, 128)");
    expect(parseAnsi(`${ESC}[38;2;10;20;999mx`)[0]?.style.fg).toBe("rgb(10, 20, 255)");
    expect(parseAnsi(`${ESC}[48;5;300mx`)[0]?.style.bg).toBeUndefined();
  });

  it("never turns markup into anything but text", () => {
    const hostile = `<script>alert(1)</script>${ESC}[31m<img src=x onerror=alert(1)>`;
    const segments = parseAnsi(hostile);
    expect(segments.map((s) => s.text).join("")).toBe("<script>alert(1)</script><img src=x onerror=alert(1)>");
    for (const { style } of segments) {
      for (const value of Object.values(style)) expect(String(value)).toMatch(/^(#[0-9a-f]{6}|rgb\(\d+, \d+, \d+\)|true)$/);
    }
  });

  it("cannot smuggle CSS through colour parameters", () => {
    // ")" cannot be in a parameter: the escape ends at the first final byte ("b"), the rest is shown as text
    const [segment] = parseAnsi(`${ESC}[38;2;1;2;3);background:url(x)mz`);
    expect(segment).toEqual({ text: "ackground:url(x)mz", style: {} });
  });

  it("drops other escapes and control characters: cursor moves, titles, links, bells, C1 controls", () => {
    const input = `a${ESC}[2Kb${ESC}]0;title\x07c${ESC}]8;;http://x${ESC}\\link${ESC}]8;;${ESC}\\d\x07e\r\bf${ESC}(Bg\u009b31mh`;
    expect(parseAnsi(input)).toEqual([
      { text: "abclinkdefg", style: {} },
      { text: "h", style: { fg: "#f14c4c" } },
    ]);
  });

  it("keeps tabs, and treats an unterminated escape at the end as not text", () => {
    expect(parseAnsi(`a\tb${ESC}[31`)).toEqual([{ text: "a\tb", style: {} }]);
    expect(parseAnsi(`x${ESC}`)).toEqual([{ text: "x", style: {} }]);
  });

  it("handles huge escapes in linear time without giving them meaning", () => {
    const huge = `${ESC}[${"1;".repeat(500_000)}31mred${ESC}[${"9".repeat(1_000_000)}mplain`;
    const started = Date.now();
    const segments = parseAnsi(huge);
    expect(Date.now() - started).toBeLessThan(2000); // a guard against quadratic blow-up, not a benchmark
    expect(segments.map((s) => s.text).join("")).toBe("redplain");
    expect(segments[0]?.style).toEqual({ bold: true }); // only the first parameters count
    const unterminated = parseAnsi(`ok${ESC}[${"1;".repeat(1_000_000)}`);
    expect(unterminated).toEqual([{ text: "ok", style: {} }]);
  });

  it("merges neighbouring text of the same style", () => {
    expect(parseAnsi(`${ESC}[31ma${ESC}[31mb`)).toEqual([{ text: "ab", style: { fg: "#f14c4c" } }]);
  });
});

describe("search highlighting", () => {
  it("finds every case-insensitive match, literally", () => {
    expect(matchRanges("Error error ERROR", "error")).toEqual([[0, 5], [6, 11], [12, 17]]);
    expect(matchRanges("a.b", ".")).toEqual([[1, 2]]);
    expect(matchRanges("abc", "")).toEqual([]);
  });

  it("cuts styled segments where a match starts and ends, even across colours", () => {
    const segments = parseAnsi(`say ${ESC}[31mhel${ESC}[32mlo${ESC}[0m world`);
    const pieces = highlight(segments, "hello");
    expect(pieces.filter((p) => p.match).map((p) => p.text)).toEqual(["hel", "lo"]);
    expect(pieces.map((p) => p.text).join("")).toBe("say hello world");
    expect(pieces.find((p) => p.text === "lo")?.style).toEqual({ fg: "#23d18b" });
  });
});
