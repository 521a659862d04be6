/**
 * Health checks through the docker CLI against a real hakod: `--health-*` and the image's HEALTHCHECK, probes run as
 * execs inside the container, State.Health in inspect, the status in `docker ps` and `health_status` events. As root.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedImageArchive } from "../testing/derived-image.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

interface Health {
  Status: string;
  FailingStreak: number;
  Log: Array<{ Start: string; End: string; ExitCode: number; Output: string }>;
}

describe.skipIf(!isRoot)("health checks", () => {
  let engine: EngineHandle;
  let B: string;
  const CHECKED = "hako-test/checked:1";

  const health = async (id: string): Promise<Health | null> =>
    JSON.parse((await engine.docker(["inspect", "-f", "{{json .State.Health}}", id])).stdout) as Health | null;

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
    const archive = await derivedImageArchive(engine.dir, {
      name: CHECKED,
      config: { Healthcheck: { Test: ["CMD-SHELL", "test -e /tmp/ready"], Interval: 200e6, Retries: 2 } },
    });
    expect((await engine.docker(["load", "-i", archive])).code).toBe(0);
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("goes from starting to healthy once the probe passes, in inspect, ps and events", async () => {
    const since = Math.floor(Date.now() / 1000);
    // the probe passes once the test has made /tmp/ok (many retries: it stays starting however slow the machine is)
    const id = (await engine.docker(["run", "-d", "--health-cmd", "test -e /tmp/ok", "--health-interval", "200ms",
      "--health-retries", "1000", B, "sleep", "600"])).stdout.trim();
    expect((await health(id))?.Status).toBe("starting");
    expect((await engine.docker(["ps", "--format", "{{.Status}}", "--filter", `id=${id}`])).stdout)
      .toMatch(/^Up .* \(health: starting\)\n$/);
    await until(async () => ((await health(id))?.Log ?? []).some((e) => e.ExitCode === 1));
    expect((await health(id))?.Status).toBe("starting");
    expect((await engine.docker(["exec", id, "touch", "/tmp/ok"])).code).toBe(0);
    await until(async () => (await health(id))?.Status === "healthy");
    const h = (await health(id)) as Health;
    expect(h.FailingStreak).toBe(0);
    expect(h.Log.at(-1)).toMatchObject({ ExitCode: 0, Output: "" });
    expect(h.Log.some((e) => e.ExitCode === 1)).toBe(true);
    expect((await engine.docker(["ps", "--format", "{{.Status}}", "--filter", `id=${id}`])).stdout).toMatch(/ \(healthy\)\n$/);
    expect((await engine.docker(["ps", "-q", "--filter", "health=healthy"])).stdout).toContain(id.slice(0, 12));
    const events = await engine.docker(["events", "--since", String(since), "--until", String(Math.floor(Date.now() / 1000) + 1),
      "--filter", `container=${id}`, "--filter", "event=health_status", "--format", "{{.Action}}"]);
    expect(events.stdout).toBe("health_status: healthy\n");
    await engine.docker(["rm", "-f", id]);
  });

  it("turns unhealthy after `retries` failures in a row, keeping the last five results", async () => {
    const id = (await engine.docker(["run", "-d", "--health-cmd", "echo probing; exit 1", "--health-interval", "100ms",
      "--health-retries", "2", B, "sleep", "600"])).stdout.trim();
    await until(async () => (await health(id))?.Status === "unhealthy");
    await until(async () => ((await health(id))?.Log.length ?? 0) === 5);
    const h = (await health(id)) as Health;
    expect(h.FailingStreak).toBeGreaterThanOrEqual(2);
    expect(h.Log.every((e) => e.ExitCode === 1 && e.Output === "probing\n")).toBe(true);
    expect((await engine.docker(["ps", "--format", "{{.Status}}", "--filter", `id=${id}`])).stdout).toMatch(/ \(unhealthy\)\n$/);
    await engine.docker(["rm", "-f", id]);
  });

  it("counts a probe that outlives its timeout as a failure", async () => {
    const id = (await engine.docker(["run", "-d", "--health-cmd", "sleep 5", "--health-interval", "100ms",
      "--health-timeout", "300ms", "--health-retries", "1", B, "sleep", "600"])).stdout.trim();
    await until(async () => (await health(id))?.Status === "unhealthy");
    expect((await health(id))?.Log[0]).toMatchObject({ ExitCode: -1, Output: "Health check exceeded timeout (300ms)" });
    await engine.docker(["rm", "-f", id]);
  });

  it("does not count failures within the start period", async () => {
    const id = (await engine.docker(["run", "-d", "--health-cmd", "false", "--health-interval", "100ms",
      "--health-retries", "1", "--health-start-period", "60s", B, "sleep", "600"])).stdout.trim();
    await until(async () => ((await health(id))?.Log.length ?? 0) >= 3);
    expect(await health(id)).toMatchObject({ Status: "starting", FailingStreak: 0 });
    await engine.docker(["rm", "-f", id]);
  });

  it("uses the image's HEALTHCHECK, which --no-healthcheck turns off", async () => {
    const id = (await engine.docker(["run", "-d", CHECKED, "sh", "-c", "touch /tmp/ready; sleep 600"])).stdout.trim();
    expect(await engine.docker(["inspect", "-f", "{{json .Config.Healthcheck.Test}}", id]))
      .toMatchObject({ stdout: '["CMD-SHELL","test -e /tmp/ready"]\n' });
    await until(async () => (await health(id))?.Status === "healthy");
    const off = (await engine.docker(["run", "-d", "--no-healthcheck", CHECKED, "sleep", "600"])).stdout.trim();
    // long enough for the image's probe (every 200 ms) to have run in it: the other container probed 3 times since
    const offStarted = Date.parse((await engine.docker(["inspect", "-f", "{{.State.StartedAt}}", off])).stdout.trim());
    await until(async () => ((await health(id))?.Log ?? []).filter((e) => Date.parse(e.Start) > offStarted).length >= 3);
    expect(await health(off)).toBeNull();
    await engine.docker(["rm", "-f", id, off]);
  });

  it("stops probing when the container exits, and starts again at starting on the next start", async () => {
    // the probe passes once the test has made /run/ok, a tmpfs each start makes anew; failures within the start
    // period do not count, so it stays starting until then however slow the machine is
    const id = (await engine.docker(["run", "-d", "--tmpfs", "/run", "--health-cmd", "test -e /run/ok",
      "--health-interval", "100ms", "--health-start-period", "60s", B, "sleep", "600"])).stdout.trim();
    expect((await engine.docker(["exec", id, "touch", "/run/ok"])).code).toBe(0);
    await until(async () => (await health(id))?.Status === "healthy");
    await engine.docker(["kill", id]);
    // a probe already running at the kill may still record its result: wait for the state to settle first
    let settled = JSON.stringify(await health(id));
    await until(async () => {
      await new Promise((r) => setTimeout(r, 300));
      const now = JSON.stringify(await health(id));
      const same = now === settled;
      settled = now;
      return same;
    });
    await new Promise((r) => setTimeout(r, 500));
    expect(JSON.stringify(await health(id))).toBe(settled);
    await engine.docker(["start", id]);
    expect((await health(id))?.Status).toBe("starting");
    // probing again, and failing: /run/ok is gone
    const restarted = Date.parse((await engine.docker(["inspect", "-f", "{{.State.StartedAt}}", id])).stdout.trim());
    await until(async () => ((await health(id))?.Log ?? []).some((e) => Date.parse(e.Start) > restarted && e.ExitCode === 1));
    expect((await health(id))?.Status).toBe("starting");
    expect((await engine.docker(["exec", id, "touch", "/run/ok"])).code).toBe(0);
    await until(async () => (await health(id))?.Status === "healthy");
    await engine.docker(["rm", "-f", id]);
  });
});
