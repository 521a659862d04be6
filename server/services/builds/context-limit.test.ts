import { describe, expect, it } from "vitest";
import { buildContextLimit, DEFAULT_CONTEXT_LIMIT, limitText, parseContextLimit } from "./context-limit";

describe("build context limit", () => {
  it("is 512 MiB unless HAKO_BUILD_CONTEXT_LIMIT says otherwise", () => {
    expect(buildContextLimit({})).toBe(DEFAULT_CONTEXT_LIMIT);
    expect(limitText(DEFAULT_CONTEXT_LIMIT)).toBe("512 MiB");
    expect(buildContextLimit({ HAKO_BUILD_CONTEXT_LIMIT: "2g" })).toBe(2 * 1024 ** 3);
    expect(buildContextLimit({ HAKO_BUILD_CONTEXT_LIMIT: "nonsense" })).toBe(DEFAULT_CONTEXT_LIMIT);
  });

  it("reads bytes and binary units", () => {
    expect(parseContextLimit("4096")).toBe(4096);
    expect(parseContextLimit("64k")).toBe(64 * 1024);
    expect(parseContextLimit("64MiB")).toBe(64 * 1024 ** 2);
    expect(parseContextLimit("1.5g")).toBeNull();
    expect(parseContextLimit("0")).toBeNull();
  });
});
