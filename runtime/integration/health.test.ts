/**
 * Health checks through the docker CLI against a real hakod: `--health-*` and the image's HEALTHCHECK, probes run as
 * execs inside the container, State.Health in inspect, the status in `docker ps` and `health_status` events. As root.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedImageArchive } from "../testing/derived-image.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

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

  const until = async (check: () => Promise<boolean>): Promise<void> => {
    const deadline = Date.now() + 30_000;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error("condition not met within 30 s");
      await new Promise((r) => setTimeout(r, 100));
    }
  };

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
    const id = (await engine.docker(["run", "-d", "--health-cmd", "test -e /tmp/ok", "--health-interval", "200ms",
      "--health-retries", "50", B, "sh", "-c", "sleep 1.5; touch /tmp/ok; sleep 600"])).stdout.trim();
    expect((await health(id))?.Status).toBe("starting");
    expect((await engine.docker(["ps", "--format", "{{.Status}}", "--filter", `id=${id}`])).stdout)
      .toMatch(/^Up .* \(health: starting\)\n$/);
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
    await new Promise((r) => setTimeout(r, 600));
    expect(await health(off)).toBeNull();
    await engine.docker(["rm", "-f", id, off]);
  });

  it("stops probing when the container exits, and starts again at starting on the next start", async () => {
    const id = (await engine.docker(["run", "-d", "--health-cmd", "true", "--health-interval", "100ms", B, "sleep", "600"]))
      .stdout.trim();
    await until(async () => (await health(id))?.Status === "healthy");
    await engine.docker(["kill", id]);
    const n = (await health(id))?.Log.length;
    await new Promise((r) => setTimeout(r, 500));
    expect((await health(id))?.Log.length).toBe(n);
    await engine.docker(["start", id]);
    expect((await health(id))?.Status).toBe("starting");
    await until(async () => (await health(id))?.Status === "healthy");
    await engine.docker(["rm", "-f", id]);
  });
});
