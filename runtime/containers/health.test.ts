/** Health checks: the configuration dockerd merges and checks, and how probe results move the status. */
import { describe, expect, it } from "vitest";
import { applyResult, formatDuration, withHealth, type HealthState } from "./health.js";
import { mergeHealthcheck, probeOf } from "./health-config.js";

const S = 1e9;

describe("health check configuration", () => {
  it("takes the image's HEALTHCHECK where the container says nothing, field by field", () => {
    const image = { Test: ["CMD-SHELL", "wget -q localhost"], Interval: 5 * S, Retries: 5 };
    expect(mergeHealthcheck(null, image)).toEqual(image);
    expect(mergeHealthcheck({ Interval: 2 * S }, image)).toEqual({ Test: image.Test, Interval: 2 * S, Timeout: 0,
      StartPeriod: 0, Retries: 5 });
    expect(mergeHealthcheck({ Test: ["NONE"] }, image)?.Test).toEqual(["NONE"]);
    expect(mergeHealthcheck(null, null)).toBeNull();
  });

  it("refuses durations under 1 ms and negative retries", () => {
    expect(() => mergeHealthcheck({ Test: ["CMD", "true"], Interval: 1000 }, null)).toThrow(
      "Interval in Healthcheck cannot be less than 1ms");
    expect(() => mergeHealthcheck({ Test: ["CMD", "true"], Retries: -1 }, null)).toThrow(
      "Retries in Healthcheck cannot be negative");
  });

  it("runs CMD directly and CMD-SHELL with /bin/sh -c, with Docker's defaults", () => {
    expect(probeOf({ Test: ["CMD", "cat", "/ok"] }, null)).toEqual({ cmd: ["cat", "/ok"], intervalMs: 30_000,
      timeoutMs: 30_000, startPeriodMs: 0, retries: 3 });
    expect(probeOf({ Test: ["CMD-SHELL", "test -f /ok"], Interval: S / 2 }, null)?.cmd)
      .toEqual(["/bin/sh", "-c", "test -f /ok"]);
    expect(probeOf({ Test: ["NONE"] }, null)).toBeNull();
    expect(formatDuration(30_000)).toBe("30s");
    expect(formatDuration(1500)).toBe("1.5s");
  });
});

describe("probe results", () => {
  const probe = { cmd: ["true"], intervalMs: 1000, timeoutMs: 1000, startPeriodMs: 0, retries: 2 };
  const entry = (code: number, at = Date.now()) => ({ Start: new Date(at).toISOString(), End: new Date(at).toISOString(),
    ExitCode: code, Output: "" });

  it("goes starting → healthy on success and → unhealthy after `retries` failures in a row", () => {
    const h: HealthState = { Status: "starting", FailingStreak: 0, Log: [] };
    expect(applyResult(h, probe, entry(1), 0)).toBe("starting");
    expect(applyResult(h, probe, entry(0), 0)).toBe("healthy");
    expect(h.FailingStreak).toBe(0);
    expect(applyResult(h, probe, entry(1), 0)).toBe("healthy");
    expect(applyResult(h, probe, entry(-1), 0)).toBe("unhealthy");
    expect(h.FailingStreak).toBe(2);
    for (let i = 0; i < 6; i++) applyResult(h, probe, entry(1), 0);
    expect(h.Log).toHaveLength(5);
  });

  it("does not count failures within the start period", () => {
    const h: HealthState = { Status: "starting", FailingStreak: 0, Log: [] };
    const started = Date.now();
    const p = { ...probe, startPeriodMs: 60_000 };
    for (let i = 0; i < 4; i++) applyResult(h, p, entry(1, started + 1000), started);
    expect(h).toMatchObject({ Status: "starting", FailingStreak: 0 });
  });

  it("shows in docker ps as (healthy) or (health: starting)", () => {
    expect(withHealth("Up 3 seconds", { status: "running", health: { Status: "starting", FailingStreak: 0, Log: [] } }))
      .toBe("Up 3 seconds (health: starting)");
    expect(withHealth("Up 3 seconds", { status: "running", health: { Status: "unhealthy", FailingStreak: 3, Log: [] } }))
      .toBe("Up 3 seconds (unhealthy)");
    expect(withHealth("Exited (0) 1 second ago", { status: "exited", health: { Status: "healthy", FailingStreak: 0, Log: [] } }))
      .toBe("Exited (0) 1 second ago");
  });
});
