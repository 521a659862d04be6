import { describe, expect, it } from "vitest";
import { assertFilters, boolParam, intParam, parseFilters } from "./http.js";

const q = (s: string) => new URLSearchParams(s);

describe("Docker's query parameters", () => {
  it("reads booleans the way dockerd does", () => {
    for (const v of ["1", "true", "True", "yes"]) expect(boolParam(q(`x=${v}`), "x")).toBe(true);
    for (const v of ["", "0", "false", "no", "none"]) expect(boolParam(q(`x=${v}`), "x")).toBe(false);
    expect(boolParam(q(""), "x", true)).toBe(true);
  });

  it("reads integers and refuses others", () => {
    expect(intParam(q("t=5"), "t")).toBe(5);
    expect(intParam(q(""), "t")).toBeUndefined();
    expect(() => intParam(q("t=x"), "t")).toThrow('invalid value for "t": x');
  });

  it("reads filters in both JSON forms", () => {
    expect(parseFilters(q(`filters=${encodeURIComponent('{"status":{"exited":true},"label":{"a=b":true}}')}`)))
      .toEqual(new Map([["status", ["exited"]], ["label", ["a=b"]]]));
    expect(parseFilters(q(`filters=${encodeURIComponent('{"name":["web"]}')}`))).toEqual(new Map([["name", ["web"]]]));
  });

  it("refuses malformed and unknown filters", () => {
    expect(() => parseFilters(q("filters={"))).toThrow(/invalid filter/);
    expect(() => assertFilters(new Map([["colour", ["red"]]]), ["status"])).toThrow("invalid filter 'colour'");
  });
});
