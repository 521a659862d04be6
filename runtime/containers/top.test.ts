import { describe, expect, it } from "vitest";
import { cpuTime, parsePsOutput, startTime, ttyName } from "./top.js";

describe("top's ps -ef columns", () => {
  it("names terminals like ps", () => {
    expect([ttyName(0), ttyName((136 << 8) | 0), ttyName((136 << 8) | 3), ttyName((4 << 8) | 1), ttyName((4 << 8) | 65)])
      .toEqual(["?", "pts/0", "pts/3", "tty1", "ttyS1"]);
  });

  it("formats CPU time as [DD-]HH:MM:SS and the start as HH:MM today, MonDD this year", () => {
    expect([cpuTime(0), cpuTime(3725), cpuTime(90061)]).toEqual(["00:00:00", "01:02:05", "1-01:01:01"]);
    const now = new Date(2026, 10, 28, 12, 0).getTime();
    expect(startTime(new Date(2026, 10, 28, 9, 5).getTime(), now)).toBe("09:05");
    expect(startTime(new Date(2026, 1, 3, 9, 5).getTime(), now)).toBe("Feb03");
    expect(startTime(new Date(2020, 1, 3).getTime(), now)).toBe("2020");
  });
});

describe("dockerd's parsing of host ps output", () => {
  const out = [
    "  PID USER     COMMAND",
    "    1 root     /sbin/init splash",
    "  100 root     sh -c sleep 1",
    "    - -        thread",
    "  101 nobody   sleep 1",
    "",
  ].join("\n");

  it("keeps the container's rows (and their thread rows), merging the overhanging fields of the last column", () => {
    expect(parsePsOutput(out, new Set([100, 101]))).toEqual({
      Titles: ["PID", "USER", "COMMAND"],
      Processes: [["100", "root", "sh -c sleep 1"], ["-", "-", "thread"], ["101", "nobody", "sleep 1"]],
    });
  });

  it("needs a PID column", () => {
    expect(() => parsePsOutput("USER COMMAND\nroot sh\n", new Set([1]))).toThrow("Couldn't find PID field in ps output");
  });
});
