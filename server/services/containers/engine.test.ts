/**
 * The console's container services against a real hakod (real shim, namespaces, cgroups; needs root): run from the
 * form's input, read back with values hidden or shown, follow the log, act on the container, open a terminal, watch
 * stats and events. What the engine does not serve yet fails with the Unsupported kind and its words.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Principal } from "../../auth/principal";
import { connectEngine, type Engine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { isRoot, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { engineEvents } from "../engine/engine-events";
import { hostUsage } from "../engine/host-usage";
import { runContainerAction } from "./container-actions";
import { attachExec, claimExecSession, createExecSession } from "./exec-session";
import { inspectContainer } from "./inspect-container";
import { followLogs, logText } from "./log-stream";
import { runContainer } from "./run-container";
import { runInputSchema } from "./run-spec";
import { streamStats } from "./stats-stream";

const operator: Principal = { kind: "user", id: "u-op", name: "olga", role: "operator" };
const viewer: Principal = { kind: "user", id: "u-view", name: "vic", role: "viewer" };

describe.skipIf(!isRoot)("container services on a real engine", () => {
  let handle: EngineHandle;
  let target: Engine;
  let image: string;
  let id: string;

  beforeAll(async () => {
    handle = await startEngine();
    image = await handle.loadBusybox();
    target = connectEngine(engineEndpoint(handle.host));
    const spec = runInputSchema.parse({
      image,
      name: "svc-ticker",
      command: `sh -c 'trap "exit 7" TERM; echo hello; echo oops >&2; while true; do sleep 0.2; done'`,
      env: ["SECRET=hunter2"],
      labels: ["team=web"],
      memory: "64m",
      pidsLimit: "50",
    });
    ({ id } = await runContainer(target, operator, spec));
  });
  afterAll(async () => handle?.cleanup());

  it("runs the form's input: the container is running with its limits and labels", async () => {
    const detail = await inspectContainer(target, operator, id);
    expect(detail.overview).toMatchObject({ name: "svc-ticker", state: "running", labels: [["team", "web"]], limits: { memory: 64 * 1024 * 1024, pidsLimit: 50 } });
    expect(detail.overview.env).toContainEqual({ name: "SECRET", value: "hunter2" });
  });

  it("hides environment values from a viewer, in the overview and in the inspect document", async () => {
    const detail = await inspectContainer(target, viewer, id);
    expect(detail.envVisible).toBe(false);
    expect(detail.overview.env).toContainEqual({ name: "SECRET", value: null });
    expect(JSON.stringify(detail.inspect)).not.toContain("hunter2");
  });

  it("reads the log as timed lines, stdout and stderr apart, and whole for a download", async () => {
    const controller = new AbortController();
    const seen: { stream: string; text: string; time: string | null }[] = [];
    for await (const batch of followLogs(target, id, { tail: "all" }, controller.signal)) {
      seen.push(...batch.lines);
      if (seen.length >= 2) break;
    }
    expect(seen).toContainEqual(expect.objectContaining({ stream: "stdout", text: "hello" }));
    expect(seen).toContainEqual(expect.objectContaining({ stream: "stderr", text: "oops" }));
    expect(seen.every((line) => line.time !== null)).toBe(true);

    let text = "";
    for await (const chunk of logText(target, id, false)) text += Buffer.from(chunk).toString();
    expect(text.split("\n")).toEqual(expect.arrayContaining(["hello", "oops"]));
  });

  it("reports the host and what the running containers use of it", async () => {
    const usage = await hostUsage(target);
    expect(usage.cpus).toBeGreaterThan(0);
    expect(usage.memoryTotal).toBeGreaterThan(0);
    expect(usage.running).toBeGreaterThanOrEqual(1);
    expect(usage.sampled + usage.unreadable).toBe(Math.min(usage.running, 50));
  });

  it("streams stats samples of the running container", async () => {
    const controller = new AbortController();
    for await (const sample of streamStats(target, id, controller.signal)) {
      expect(sample.pids).toBeGreaterThanOrEqual(1);
      expect(sample.memoryUsage).toBeGreaterThan(0);
      break;
    }
  });

  it("opens a terminal: a pty shell that computes, resizes and reports its exit code", async () => {
    const session = await createExecSession(target, operator, id, ["sh"]);
    const claimed = claimExecSession(session.execId, operator);
    const attached = await attachExec(target, claimed.execId);
    await attached.resize(100, 30);
    let output = "";
    attached.stream.on("data", (chunk: Buffer) => (output += chunk.toString()));
    attached.stream.write("stty size; echo $((6*7)); exit 3\n");
    await new Promise((resolve) => attached.stream.once("end", resolve));
    expect(output).toContain("30 100");
    expect(output).toContain("42");
    expect(await attached.exitCode()).toBe(3);
  });

  it("stops with the stop signal and reports the exit code; a second stop is a Conflict or nothing to do", async () => {
    const stopped = await runContainerAction(target, id, "stop");
    expect(stopped).toEqual({ action: "stop", state: "exited", exitCode: 7 });
    await expect(createExecSession(target, operator, id, ["sh"])).rejects.toMatchObject({ kind: "Conflict" });
  });

  it("saw it all as events: the last hour's history", async () => {
    const controller = new AbortController();
    const actions: string[] = [];
    const timer = setTimeout(() => controller.abort(), 3000);
    for await (const event of engineEvents(target, undefined, controller.signal)) {
      if (event.actorId === id) actions.push(event.action);
      if (actions.includes("die")) break;
    }
    clearTimeout(timer);
    expect(actions).toEqual(expect.arrayContaining(["create", "start", "die"]));
  });

  it("removes it, and then it is gone", async () => {
    expect(await runContainerAction(target, id, "remove")).toEqual({ action: "remove", state: null, exitCode: null });
    await expect(inspectContainer(target, operator, id)).rejects.toMatchObject({ kind: "NotFound" });
  });
});
