import { describe, expect, it } from "vitest";
import { initialState, ZERO_TIME, type ContainerState } from "./container.js";
import { humanDuration, statusString } from "./status.js";

const NOW = Date.parse("2026-11-28T12:00:00Z");
const ago = (ms: number): string => new Date(NOW - ms).toISOString();

describe("humanDuration (go-units)", () => {
  it.each([
    [0, "Less than a second"],
    [999, "Less than a second"],
    [1000, "1 second"],
    [59_999, "59 seconds"],
    [60_000, "About a minute"],
    [119_999, "About a minute"],
    [120_000, "2 minutes"],
    [59 * 60_000, "59 minutes"],
    [60 * 60_000, "About an hour"],
    [89 * 60_000, "About an hour"],
    [90 * 60_000, "2 hours"],
    [47 * 3_600_000, "47 hours"],
    [48 * 3_600_000, "2 days"],
    [14 * 24 * 3_600_000, "2 weeks"],
    [60 * 24 * 3_600_000, "2 months"],
    [800 * 24 * 3_600_000, "2 years"],
  ])("%i ms is %s", (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});

describe("the status line of docker ps", () => {
  const state = (s: Partial<ContainerState>): ContainerState => ({ ...initialState(), ...s });

  it("says Created for a container that never started", () => {
    expect(statusString(state({}), NOW)).toBe("Created");
  });

  it("says how long a running container has been up", () => {
    expect(statusString(state({ status: "running", startedAt: ago(5_000) }), NOW)).toBe("Up 5 seconds");
    expect(statusString(state({ status: "running", startedAt: ago(300) }), NOW)).toBe("Up Less than a second");
    expect(statusString(state({ status: "paused", startedAt: ago(5 * 60_000) }), NOW)).toBe("Up 5 minutes (Paused)");
  });

  it("gives the exit code and how long ago a container exited", () => {
    const s = state({ status: "exited", exitCode: 3, startedAt: ago(10_000), finishedAt: ago(2_000) });
    expect(statusString(s, NOW)).toBe("Exited (3) 2 seconds ago");
  });

  it("says Created for a container whose start failed (it never ran)", () => {
    expect(statusString(state({ exitCode: 127, error: "exec: not found", finishedAt: ZERO_TIME }), NOW)).toBe("Created");
  });

  it("names removal and dead states like Docker", () => {
    expect(statusString(state({ status: "removing" }), NOW)).toBe("Removal In Progress");
    expect(statusString(state({ status: "dead" }), NOW)).toBe("Dead");
  });
});
