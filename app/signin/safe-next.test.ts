import { describe, expect, it } from "vitest";
import { safeNextPath } from "./safe-next";

describe("safeNextPath (no open redirect after sign-in)", () => {
  it.each([
    ["/containers", "/containers"],
    ["/containers/abc?tab=logs#top", "/containers/abc?tab=logs#top"],
  ])("keeps a page of the console: %s", (next, expected) => expect(safeNextPath(next)).toBe(expected));

  it.each([
    "https://evil.example", "//evil.example", "/\\evil.example", "\\\\evil.example", "http:evil.example", "javascript:alert(1)",
    "/\t/evil.example", "evil.example", "", "/signin?next=//evil.example",
  ])("sends %j to /", (next) => expect(safeNextPath(next)).toBe("/"));

  it("ignores a missing or repeated parameter", () => {
    expect(safeNextPath(undefined)).toBe("/");
    expect(safeNextPath(["/a", "/b"])).toBe("/");
  });
});
