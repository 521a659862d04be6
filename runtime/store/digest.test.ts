import { describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { digestOf, parseDigest, shortId } from "./digest.js";

const EMPTY = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

describe("digests", () => {
  it("are the sha256 of the bytes they name", () => {
    expect(digestOf("")).toBe(EMPTY);
  });

  it("accept only sha256:<64 lowercase hex>", () => {
    expect(parseDigest(EMPTY)).toBe(EMPTY);
    for (const bad of [
      "sha256:E3B0C44298FC1C149AFBF4C8996FB92427AE41E4649B934CA495991B7852B855",
      "sha256:e3b0",
      "sha512:" + "0".repeat(128),
      EMPTY.slice(7),
      `${EMPTY}\n`,
      "",
      42,
    ]) {
      expect(() => parseDigest(bad), String(bad)).toThrow(expect.objectContaining({ kind: "InvalidArgument" }));
      try {
        parseDigest(bad);
      } catch (err) {
        expect(isKind(err, "InvalidArgument")).toBe(true);
      }
    }
  });

  it("print as 12 hex digits, as docker does", () => {
    expect(shortId(EMPTY)).toBe("e3b0c44298fc");
  });
});
