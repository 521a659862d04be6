/**
 * Crash safety: kill -9 of hakod while containers run, exit or are due for auto-removal; the next hakod re-adopts
 * what still runs and records what ended while it was away.
 */
import { readdir } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { hasEnded } from "./host-process.js";
import { pendingRequest } from "./pending-request.js";

describe.skipIf(!isRoot)("hakod killed with SIGKILL and started again", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("re-adopts a running container: still running, then wait, stop and rm work and its exit code shows", async () => {
    const sleeper = (await engine.docker(["run", "-d", "--name", "sleeper", B, "sleep", "600"])).stdout.trim();
    const ticker = (await engine.docker(["run", "-d", "--name", "ticker", B, "sh", "-c",
      "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"])).stdout.trim();
    const quick = (await engine.docker(["run", "-d", "--name", "quick", B, "sh", "-c", "sleep 1; exit 7"])).stdout.trim();
    const auto = (await engine.docker(["run", "-d", "--rm", "--name", "auto", B, "sh", "-c", "sleep 1"])).stdout.trim();
    const pid = (await engine.docker(["inspect", "-f", "{{.State.Pid}}", sleeper])).stdout.trim();
    const endingPids = await Promise.all([quick, auto].map(async (c) =>
      (await engine.docker(["inspect", "-f", "{{.State.Pid}}", c])).stdout.trim()));

    await engine.kill9();
    // quick and auto end while no engine runs
    for (const p of endingPids) await expect.poll(() => hasEnded(p), { timeout: 20_000, interval: 100 }).toBe(true);
    await engine.restart();

    const state = await engine.docker(["inspect", "-f", "{{.State.Running}} {{.State.Pid}}", sleeper]);
    expect(state.stdout.trim()).toBe(`true ${pid}`);
    expect((await engine.docker(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}}", quick])).stdout.trim()).toBe("exited 7");
    expect((await engine.docker(["inspect", "--type", "container", auto])).stderr).toContain(`No such container: ${auto}`);
    expect(engine.log()).toContain("re-adopted a running container");

    // the re-adopted container's output keeps flowing into its log
    const logLines = async (): Promise<number> => (await engine.docker(["logs", ticker])).stdout.split("\n").length;
    const n1 = await logLines();
    await expect.poll(logLines, { timeout: 20_000, interval: 100 }).toBeGreaterThan(n1);

    // wait hears of the exit of a re-adopted container: hakod answers the wait once it is registered
    const waited = pendingRequest(engine, "POST", `/containers/${sleeper}/wait`);
    expect(await waited.answered).toBe(200);
    // (sleep is pid 1 of its namespace: it has no handler for SIGTERM, so the kernel ignores that; KILL it)
    expect((await engine.docker(["kill", "-s", "KILL", sleeper])).code).toBe(0);
    expect(JSON.parse((await waited.ended).body.toString())).toEqual({ StatusCode: 137, Error: null });
    expect((await engine.docker(["wait", sleeper])).stdout.trim()).toBe("137");

    expect((await engine.docker(["stop", "-t", "1", ticker])).code).toBe(0);
    expect((await engine.docker(["inspect", "-f", "{{.State.ExitCode}}", ticker])).stdout.trim()).toMatch(/^(143|137)$/);
    expect((await engine.docker(["rm", sleeper, ticker, quick])).code).toBe(0);
  });

  it("loses no acknowledged container when killed right after creating and starting", async () => {
    const ids: string[] = [];
    for (let i = 0; i < 5; i++) ids.push((await engine.docker(["create", B, "sleep", "600"])).stdout.trim());
    expect((await engine.docker(["start", ids[0] as string])).code).toBe(0);
    await engine.kill9();
    await engine.restart();
    const all = (await engine.docker(["ps", "-aq", "--no-trunc"])).stdout.trim().split("\n");
    expect(all.sort()).toEqual([...ids].sort());
    expect((await engine.docker(["inspect", "-f", "{{.State.Running}}", ids[0] as string])).stdout.trim()).toBe("true");
    expect((await engine.docker(["rm", "-f", ...ids])).code).toBe(0);
  });

  it("keeps containers running across a clean stop, and leaves no temp files behind", async () => {
    const id = (await engine.docker(["run", "-d", B, "sleep", "600"])).stdout.trim();
    await engine.stop();
    await engine.restart();
    expect((await engine.docker(["inspect", "-f", "{{.State.Running}}", id])).stdout.trim()).toBe("true");
    expect((await engine.docker(["rm", "-f", id])).code).toBe(0);
    // the removal finishes in the background (runtime/containers/remove.ts): its temp files go then
    await expect.poll(() => readdir(`${engine.dataRoot}/tmp`), { timeout: 10_000, interval: 100 }).toEqual([]);
  });
});
