import { describe, expect, it } from "vitest";
import { parseArgs, socketPathOf } from "./main.js";

describe("hakod's command line", () => {
  it("has the documented defaults", () => {
    expect(parseArgs([], {})).toEqual({ dataRoot: "/var/lib/hako", socketPath: "/run/hako/hako.sock", logLevel: "info" });
  });

  it("reads flags in both forms, and the environment (flags win)", () => {
    expect(parseArgs(["--data-root", "/d", "--host=unix:///tmp/h.sock", "--log-level", "debug"], {}))
      .toEqual({ dataRoot: "/d", socketPath: "/tmp/h.sock", logLevel: "debug" });
    expect(parseArgs([], { HAKO_DATA_ROOT: "/e", HAKO_HOST: "unix:///tmp/e.sock" }))
      .toEqual({ dataRoot: "/e", socketPath: "/tmp/e.sock", logLevel: "info" });
    expect(parseArgs(["--data-root=/f"], { HAKO_DATA_ROOT: "/e" })).toMatchObject({ dataRoot: "/f" });
  });

  it("refuses what it cannot serve", () => {
    expect(() => socketPathOf("tcp://0.0.0.0:2375")).toThrow(/unix socket/);
    expect(() => parseArgs(["--bogus"], {})).toThrow("unknown flag: --bogus");
    expect(() => parseArgs(["--data-root"], {})).toThrow(/needs an argument/);
    expect(() => parseArgs(["--log-level", "loud"], {})).toThrow(/invalid log level/);
    expect(parseArgs(["--help"], {})).toBe("help");
  });
});
