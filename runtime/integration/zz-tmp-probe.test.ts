/**
 * Restart policies through the docker CLI against a real hakod: restarts after exits with back-off and a count, stops
 * by hand that hold, and the policies applied when hakod starts again after a kill -9. As root.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

describe.skipIf(!isRoot)("restart policies", () => {
  let engine: EngineHandle;
  let B: string;

  const inspect = async (id: string, format: string): Promise<string> =>
    (await engine.docker(["inspect", "-f", format, id])).stdout.trim();

  /** Polls until `check` holds (at most 30 s); returns what it saw last. */
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
  });
  afterAll(async () => {
    await engine?.cleanup();
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

    await until(async () => (await inspect(always, "{{.State.Running}}")) === "true").catch(async (e) => { console.log("STATE", await inspect(always, "{{json .State}}"), engine.log().split("\n").filter((l) => !l.includes("\"debug\"")).slice(-60).join("\n")); throw e; });
    await until(async () => (await inspect(alwaysStopped, "{{.State.Running}}")) === "true");
    await new Promise((r) => setTimeout(r, 1000));
    expect(await inspect(always, "{{.State.Status}}")).toBe("running");
    expect(await inspect(onFailure, "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 0");
    expect(await inspect(unlessStopped, "{{.State.Status}}")).toBe("exited");
    expect(await inspect(never, "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 2");
    expect(engine.log()).toContain("starting a container by its restart policy");
    await engine.docker(["rm", "-f", always, onFailure, unlessStopped, alwaysStopped, never]);
  });

});
