/** The log configuration a container may ask for, and the rotation it gets (log-config.ts). */
import { describe, expect, it } from "vitest";
import { EngineError } from "../errors.js";
import { logRotation, normaliseLogConfig, parseLogSize } from "./log-config.js";

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(EngineError);
    expect((err as EngineError).kind).toBe("InvalidArgument");
    return (err as Error).message;
  }
  throw new Error("accepted");
};

describe("log configuration", () => {
  it("reads sizes as Docker does: binary units, optional i and b", () => {
    expect(parseLogSize("10k")).toBe(10240);
    expect(parseLogSize("10kb")).toBe(10240);
    expect(parseLogSize("1.5MiB")).toBe(1.5 * 1024 * 1024);
    expect(parseLogSize("512")).toBe(512);
    expect(parseLogSize("2g")).toBe(2 * 1024 ** 3);
    expect(refused(() => parseLogSize("12zz"))).toBe("invalid size: '12zz'");
    expect(refused(() => parseLogSize("-1k"))).toBe("invalid size: '-1k'");
  });

  it("defaults to hako-shim's log without rotation; local rotates at 20 MiB over 5 files", () => {
    expect(normaliseLogConfig(undefined)).toEqual({ Type: "hako-shim", Config: {} });
    expect(normaliseLogConfig({ Type: "", Config: null })).toEqual({ Type: "hako-shim", Config: {} });
    expect(logRotation(normaliseLogConfig({ Type: "json-file", Config: {} }))).toBeNull();
    expect(logRotation(normaliseLogConfig({ Type: "local" }))).toEqual({ maxSize: 20 << 20, maxFiles: 5 });
    expect(logRotation(normaliseLogConfig({ Type: "local", Config: { "max-file": "2" } })))
      .toEqual({ maxSize: 20 << 20, maxFiles: 2 });
    expect(logRotation(normaliseLogConfig({ Config: { "max-size": "10k", "max-file": "3" } })))
      .toEqual({ maxSize: 10240, maxFiles: 3 });
    expect(logRotation(normaliseLogConfig({ Type: "hako", Config: { "max-size": "1m" } })))
      .toEqual({ maxSize: 1 << 20, maxFiles: 1 });
    expect(normaliseLogConfig({ Type: "json-file", Config: { tag: "x", labels: "a", compress: "false" } }).Type)
      .toBe("json-file");
  });

  it("refuses other drivers, bad counts and sizes, unknown options and compression", () => {
    expect(refused(() => normaliseLogConfig({ Type: "syslog" }))).toMatch(/^logger: no log driver named 'syslog'/);
    expect(refused(() => normaliseLogConfig({ Type: 3 }))).toMatch(/Type must be a string/);
    expect(refused(() => normaliseLogConfig({ Config: { "max-size": 10 } }))).toMatch(/object of strings/);
    expect(refused(() => normaliseLogConfig({ Config: { "max-size": "0" } }))).toBe("max-size must be a positive number");
    expect(refused(() => normaliseLogConfig({ Config: { "max-size": "1k", "max-file": "0" } })))
      .toBe("max-file cannot be less than 1");
    expect(refused(() => normaliseLogConfig({ Config: { "max-size": "1k", "max-file": "x" } })))
      .toBe("max-file: invalid syntax: 'x'");
    expect(refused(() => normaliseLogConfig({ Config: { "max-file": "3" } })))
      .toBe("max-file can only be set when max-size is set");
    expect(refused(() => normaliseLogConfig({ Config: { colour: "blue" } })))
      .toBe("unknown log opt 'colour' for hako-shim log driver");
    expect(refused(() => normaliseLogConfig({ Type: "local", Config: { tag: "x" } })))
      .toBe("unknown log opt 'tag' for local log driver");
    expect(refused(() => normaliseLogConfig({ Type: "json-file", Config: { compress: "true" } }))).toMatch(/compress/);
    expect(normaliseLogConfig({ Type: "local", Config: { compress: "true" } }).Type).toBe("local");
  });
});
