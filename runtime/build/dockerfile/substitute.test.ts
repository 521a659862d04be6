import { describe, expect, it } from "vitest";
import { substituteWord, substituteWords } from "./substitute.js";

const vars = new Map([["A", "apple"], ["EMPTY", ""], ["SP", "a b"]]);

describe("variable substitution (reference.md, Environment replacement)", () => {
  it.each([
    ["$A", "apple"],
    ["${A}", "apple"],
    ["x${A}y", "xappley"],
    ["$NOPE", ""],
    ["${NOPE:-dflt}", "dflt"],
    ["${EMPTY:-dflt}", "dflt"],
    ["${EMPTY-dflt}", ""],
    ["${NOPE-dflt}", "dflt"],
    ["${A:-dflt}", "apple"],
    ["${A:+alt}", "alt"],
    ["${EMPTY:+alt}", ""],
    ["${EMPTY+alt}", "alt"],
    ["${NOPE+alt}", ""],
    ["${NOPE:-$A}", "apple"],
    ["${NOPE:-${A}-x}", "apple-x"],
    ["\\$A", "$A"],
    ["\\${A}", "${A}"],
    ["'$A'", "$A"],
    ['"$A"', "apple"],
    ['"a \\"q\\" $A"', 'a "q" apple'],
    ["$", "$"],
    ["$1", "$1"],
    ["a\\ b", "a b"],
  ])("%s → %s", (input, expected) => {
    expect(substituteWord(input, vars)).toBe(expected);
  });

  it("splits words at unquoted white space only", () => {
    expect(substituteWords('a "b c" ${A} \'d e\'', vars)).toEqual(["a", "b c", "apple", "d e"]);
    expect(substituteWords("80/tcp   443", vars)).toEqual(["80/tcp", "443"]);
  });

  it("uses the escape directive's character", () => {
    expect(substituteWord("`$A", vars, "`")).toBe("$A");
    expect(substituteWord("c:\\dir\\$A", vars, "`")).toBe("c:\\dir\\apple");
  });

  it("refuses an unset required variable and a bad substitution", () => {
    expect(() => substituteWord("${NOPE:?must be set}", vars)).toThrow(/NOPE: must be set/);
    expect(() => substituteWord("${A", vars)).toThrow(/missing '}'/);
    expect(() => substituteWord("${1x}", vars)).toThrow(/bad substitution/);
  });
});
