/**
 * Restart policies through the docker CLI against a real hakod: restarts after exits with back-off and a count, stops
 * by hand that hold, and the policies applied when hakod starts again after a kill -9. As root.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

describe.skipIf(!isRoot)("restart policies", () => {
  let engine: EngineHandle;
  let B: string;

  const inspect = async (id: string, format: string): Promise<string> =>
    (await engine.docker(["inspect", "-f", format, id])).stdout.trim();

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("on-failure:2 restarts a failing container exactly twice, counting the restarts", async () => {
    const id = (await engine.docker(["run", "-d", "--restart", "on-failure:2", B, "sh", "-c", "echo attempt; exit 3"]))
      .stdout.trim();
    await until(async () => (await inspect(id, "{{.State.Status}} {{.RestartCount}}")) === "exited 2");
    // settled: no third restart comes
    await new Promise((r) => setTimeout(r, 1500));
    expect(await inspect(id, "{{.State.Status}} {{.RestartCount}} {{.State.ExitCode}} {{.HostConfig.RestartPolicy.Name}} " +
      "{{.HostConfig.RestartPolicy.MaximumRetryCount}}")).toBe("exited 2 3 on-failure 2");
    expect((await engine.docker(["logs", id])).stdout).toBe("attempt\nattempt\nattempt\n");
    await engine.docker(["rm", id]);
  });

  it("on-failure does not restart a container that succeeded", async () => {
    const id = (await engine.docker(["run", "-d", "--restart", "on-failure", B, "true"])).stdout.trim();
    expect((await engine.docker(["wait", id])).stdout.trim()).toBe("0");
    await new Promise((r) => setTimeout(r, 500));
    expect(await inspect(id, "{{.State.Status}} {{.RestartCount}}")).toBe("exited 0");
    await engine.docker(["rm", id]);
  });

  it("always restarts until stopped by hand; the stop holds until the next start", async () => {
    const id = (await engine.docker(["run", "-d", "--restart", "always", B, "sh", "-c", "sleep 0.2"])).stdout.trim();
    await until(async () => Number(await inspect(id, "{{.RestartCount}}")) >= 2);
    expect((await engine.docker(["stop", "-t", "1", id])).code).toBe(0);
    const count = await inspect(id, "{{.RestartCount}}");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inspect(id, "{{.State.Status}} {{.RestartCount}}")).toBe(`exited ${count}`);
    // a start by hand brings the policy back
    expect((await engine.docker(["start", id])).code).toBe(0);
    await until(async () => Number(await inspect(id, "{{.RestartCount}}")) > Number(count));
    expect((await engine.docker(["rm", "-f", id])).code).toBe(0);
  });

  it("shows a container waiting to restart as restarting, and stop ends the wait", async () => {
    // a long back-off: each run lasts less than 10 s, so the waits double (0.1, 0.2 … 6.4 s)
    const id = (await engine.docker(["run", "-d", "--restart", "always", B, "true"])).stdout.trim();
    await until(async () => Number(await inspect(id, "{{.RestartCount}}")) >= 6);
    await until(async () => (await inspect(id, "{{.State.Status}}")) === "restarting");
    expect(await inspect(id, "{{.State.Restarting}} {{.State.Running}}")).toBe("true true");
    expect((await engine.docker(["ps", "--format", "{{.Status}}", "--filter", `id=${id}`])).stdout).toMatch(/^Restarting \(0\) /);
    expect((await engine.docker(["stop", id])).code).toBe(0);
    expect(await inspect(id, "{{.State.Status}}")).toBe("exited");
    const count = await inspect(id, "{{.RestartCount}}");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inspect(id, "{{.State.Status}} {{.RestartCount}}")).toBe(`exited ${count}`);
    await engine.docker(["rm", id]);
  });

  it("kill by hand cancels restarting too", async () => {
    const id = (await engine.docker(["run", "-d", "--restart", "unless-stopped", B, "sleep", "60"])).stdout.trim();
    await until(async () => (await inspect(id, "{{.State.Running}}")) === "true");
    expect((await engine.docker(["kill", id])).code).toBe(0);
    expect((await engine.docker(["wait", id])).stdout.trim()).toBe("137");
    await new Promise((r) => setTimeout(r, 500));
    expect(await inspect(id, "{{.State.Status}} {{.RestartCount}}")).toBe("exited 0");
    await engine.docker(["rm", id]);
  });

  it("applies the policies when hakod starts again after kill -9", async () => {
    // exits while hakod is down
    const always = (await engine.docker(["run", "-d", "--restart", "always", B, "sh", "-c",
      "if [ -e /ran-once ]; then sleep 600; else touch /ran-once; sleep 1; exit 1; fi"])).stdout.trim();
    // running, with a policy that does not restart a clean exit
    const onFailure = (await engine.docker(["run", "-d", "--restart", "on-failure", B, "sh", "-c", "sleep 1"])).stdout.trim();
    // stopped by hand before: unless-stopped stays stopped, always is started again (as dockerd does)
    const unlessStopped = (await engine.docker(["run", "-d", "--restart", "unless-stopped", B, "sleep", "600"])).stdout.trim();
    const alwaysStopped = (await engine.docker(["run", "-d", "--restart", "always", B, "sleep", "600"])).stdout.trim();
    await engine.docker(["stop", "-t", "1", unlessStopped, alwaysStopped]);
    const never = (await engine.docker(["run", "-d", B, "sh", "-c", "exit 2"])).stdout.trim();
    await engine.docker(["wait", never]);

    await engine.kill9();
    await new Promise((r) => setTimeout(r, 2000)); // `always` and `onFailure` end while no engine runs
    await engine.restart();

    await until(async () => (await inspect(always, "{{.State.Running}}")) === "true");
    await until(async () => (await inspect(alwaysStopped, "{{.State.Running}}")) === "true");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inspect(always, "{{.State.Status}}")).toBe("running");
    expect(await inspect(onFailure, "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 0");
    expect(await inspect(unlessStopped, "{{.State.Status}}")).toBe("exited");
    expect(await inspect(never, "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 2");
    expect(engine.log()).toContain("starting a container by its restart policy");
    await engine.docker(["rm", "-f", always, onFailure, unlessStopped, alwaysStopped, never]);
  });

  it("refuses a policy with --rm, and unknown or malformed policies", async () => {
    const before = (await engine.docker(["ps", "-aq"])).stdout;
    const bad = await engine.request("POST", "/v1.41/containers/create", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ Image: B, Cmd: ["true"], HostConfig: { AutoRemove: true, RestartPolicy: { Name: "always" } } }),
    });
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toBe("can't create 'AutoRemove' container with restart policy");
    const retries = await engine.request("POST", "/v1.41/containers/create", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ Image: B, Cmd: ["true"], HostConfig: { RestartPolicy: { Name: "always", MaximumRetryCount: 3 } } }),
    });
    expect(retries.status).toBe(400);
    expect((await engine.docker(["run", "-d", "--restart", "on-failure:x", B, "true"])).stderr)
      .toContain("maximum retry count must be an integer");
    expect((await engine.docker(["ps", "-aq"])).stdout).toBe(before);
  });
});
