import { describe, expect, it } from "vitest";
import { createLogger, parseBoundingSet, parseHardLimits, parseLogLevel } from "./engine.js";

describe("host facts", () => {
  it("reads hard limits from /proc/self/limits (unlimited ones are left out)", () => {
    const text = `Limit                     Soft Limit           Hard Limit           Units
Max cpu time              unlimited            unlimited            seconds
Max processes             96365                96365                processes
Max open files            1024                 20000                files
`;
    expect(parseHardLimits(text)).toEqual({ nproc: 96365, nofile: 20000 });
  });

  it("reads the bounding set of capabilities", () => {
    expect(parseBoundingSet("CapBnd:\t00000000a80425fb\n")).toEqual([
      "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID", "CAP_SETUID",
      "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_NET_RAW", "CAP_SYS_CHROOT", "CAP_MKNOD", "CAP_AUDIT_WRITE",
      "CAP_SETFCAP",
    ]);
  });
});

describe("logging", () => {
  it("writes logfmt lines at or above the level, with inherited fields", () => {
    const lines: string[] = [];
    const log = createLogger("info", {}, (l) => lines.push(l)).child({ req: "00001a" });
    log.debug("hidden");
    log.info("request", { method: "GET", url: "/v1.41/containers/json?all=1", status: 200 });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/level=info msg="request" req=00001a method=GET url="\/v1\.41\/containers\/json\?all=1" status=200\n$/);
  });

  it("accepts the usual level names", () => {
    expect(parseLogLevel("warning")).toBe("warn");
    expect(() => parseLogLevel("loud")).toThrow(/invalid log level/);
  });
});
