/**
 * Lifecycle verbs with the stock docker CLI against a real hakod: restart, kill -s, stop with the container's stop
 * signal and timeout, pause/unpause (cgroup freezer), rename, rm -f/-v, wait conditions, update (live limits),
 * container prune and top — each with what the user sees when the container is in the wrong state or unknown.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { pendingRequest, type PendingRequest } from "./pending-request.js";

const TICKER = "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.05; done";
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
/** how long to poll for what a container does next: generous, for a slow or loaded machine */
const POLL = { timeout: 20_000, interval: 100 };
/** the JSON body of a finished request */
const answerOf = async (r: PendingRequest): Promise<unknown> => JSON.parse((await r.ended).body.toString());

describe.skipIf(!isRoot)("container lifecycle verbs through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;
  let v2: boolean;

  const docker = (...args: string[]) => engine.docker(args);
  const run = async (...args: string[]): Promise<string> => {
    const r = await docker("run", "-d", ...args);
    expect(r.stderr).toBe("");
    return r.stdout.trim();
  };
  const inspect = async (format: string, ref: string): Promise<string> =>
    (await docker("inspect", "-f", format, ref)).stdout.trim();
  const logs = async (ref: string): Promise<string> => (await docker("logs", ref)).stdout;
  const logLines = async (ref: string): Promise<number> => (await logs(ref)).split("\n").filter(Boolean).length;
  /** a file of the container's cgroup: `controller` names the v1 hierarchy */
  const cgroupFile = (id: string, controller: string, v1: string, v2file: string): string => {
    const path = new Layout(engine.dataRoot).cgroupPath(id);
    return v2 ? `/sys/fs/cgroup${path}/${v2file}` : `/sys/fs/cgroup/${controller}${path}/${v1}`;
  };

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
    const mountinfo = await readFile("/proc/self/mountinfo", "utf8");
    v2 = !/ - cgroup cgroup \S*(memory|freezer)/.test(mountinfo);
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("says which container does not exist, for every verb", async () => {
    for (const args of [["restart", "nosuch"], ["pause", "nosuch"], ["unpause", "nosuch"], ["kill", "nosuch"],
      ["rename", "nosuch", "x"], ["update", "--memory", "64m", "nosuch"], ["top", "nosuch"], ["diff", "nosuch"],
      ["wait", "nosuch"]]) {
      const r = await docker(...args);
      expect(r.code, args.join(" ")).not.toBe(0);
      expect(r.stderr, args.join(" ")).toContain("No such container: nosuch");
    }
    const api = await engine.request("POST", "/containers/nosuch/pause");
    expect(api.status).toBe(404);
    expect(api.json()).toEqual({ message: "No such container: nosuch" });
  });

  it("restarts a running container (a new task, same container) and starts a stopped one", async () => {
    const id = await run("--name", "re", B, "sh", "-c", "echo boot; sleep 600");
    const firstStart = await inspect("{{.State.StartedAt}}", id);
    const r = await docker("restart", "-t", "1", "re");
    expect(r).toMatchObject({ code: 0, stdout: "re\n" });
    expect(await inspect("{{.State.Status}}", id)).toBe("running");
    expect(await inspect("{{.State.StartedAt}}", id)).not.toBe(firstStart);
    await expect.poll(() => logs("re"), POLL).toBe("boot\nboot\n");

    await docker("stop", "-t", "0", "re");
    expect(await inspect("{{.State.Status}}", id)).toBe("exited");
    expect((await docker("restart", "re")).code).toBe(0);
    expect(await inspect("{{.State.Status}}", id)).toBe("running");
    await expect.poll(() => logs("re"), POLL).toBe("boot\nboot\nboot\n");
    await docker("rm", "-f", "re");
  });

  it("sends the signal kill -s names (by name or number), refuses a bad one, and 409s a stopped container", async () => {
    const id = await run(B, "sh", "-c",
      'trap "echo got USR1" USR1; trap "echo got HUP" HUP; echo ready; while true; do sleep 0.05; done');
    await expect.poll(() => logs(id), POLL).toBe("ready\n"); // the traps are set
    expect((await docker("kill", "-s", "USR1", id)).code).toBe(0);
    await expect.poll(() => logs(id), POLL).toBe("ready\ngot USR1\n");
    expect((await docker("kill", "-s", "1", id)).code).toBe(0);
    await expect.poll(() => logs(id), POLL).toBe("ready\ngot USR1\ngot HUP\n");

    const bad = await docker("kill", "-s", "SIGFOO", id);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("Invalid signal: SIGFOO");
    const api = await engine.request("POST", `/containers/${id}/kill?signal=0`);
    expect(api.status).toBe(400);
    expect(api.json()).toEqual({ message: "Invalid signal: 0" });

    expect((await docker("kill", id)).code).toBe(0);
    await docker("wait", id);
    expect(await inspect("{{.State.ExitCode}}", id)).toBe("137");
    const again = await docker("kill", id);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain(`Container ${id} is not running`);
    await docker("rm", id);
  });

  it("stops with the container's stop signal, and SIGKILLs after its stop timeout", async () => {
    const id = await run("--stop-signal", "USR1", B, "sh", "-c",
      'trap "echo bye; exit 7" USR1; echo ready; while true; do sleep 0.05; done');
    await expect.poll(() => logs(id), POLL).toBe("ready\n"); // the trap is set
    expect((await docker("stop", id)).code).toBe(0);
    expect(await inspect("{{.State.ExitCode}}", id)).toBe("7");
    expect(await logs(id)).toBe("ready\nbye\n");

    // PID 1 ignores SIGTERM without a handler: only the SIGKILL after the 1 s stop timeout ends it
    const stubborn = await run("--stop-timeout", "1", B, "sleep", "600");
    expect((await docker("stop", stubborn)).code).toBe(0);
    expect(await inspect("{{.State.Status}} {{.State.ExitCode}}", stubborn)).toBe("exited 137");
    await docker("rm", id, stubborn);
  });

  it("pauses with the freezer (the ticking stops, ps says Paused) and unpauses, with Docker's wrong-state errors", async () => {
    const id = await run("--name", "ticker", B, "sh", "-c", TICKER);
    await expect.poll(() => logLines("ticker"), POLL).toBeGreaterThan(0); // it ticks
    expect((await docker("pause", "ticker")).code).toBe(0);
    expect(await inspect("{{.State.Status}} {{.State.Running}} {{.State.Paused}}", id)).toBe("paused true true");
    const freezer = v2 ? "1" : "FROZEN";
    expect((await readFile(cgroupFile(id, "freezer", "freezer.state", "cgroup.freeze"), "utf8")).trim()).toBe(freezer);
    const ps = await docker("ps", "--filter", "name=ticker", "--format", "{{.Status}}");
    expect(ps.stdout).toMatch(/^Up (Less than a second|\d+ seconds?) \(Paused\)\n$/);
    expect((await docker("ps", "-q", "--filter", "status=paused")).stdout.trim()).toBe(id.slice(0, 12));

    const frozenAt = await logLines("ticker");
    await sleep(800); // a while in which nothing may happen: there is no state to wait for
    expect(await logLines("ticker")).toBe(frozenAt);

    const twice = await docker("pause", "ticker");
    expect(twice.code).toBe(1);
    expect(twice.stderr).toContain(`Container ${id} is already paused`);
    const start = await engine.request("POST", `/containers/${id}/start`);
    expect(start.status).toBe(409);
    const rm = await docker("rm", "ticker");
    expect(rm.stderr).toContain(`You cannot remove a paused container ${id}. Unpause and then stop the container ` +
      "before attempting removal or force remove");

    expect((await docker("unpause", "ticker")).code).toBe(0);
    expect(await inspect("{{.State.Status}} {{.State.Paused}}", id)).toBe("running false");
    await expect.poll(() => logLines("ticker"), POLL).toBeGreaterThan(frozenAt);
    const notPaused = await docker("unpause", "ticker");
    expect(notPaused.code).toBe(1);
    expect(notPaused.stderr).toContain(`Container ${id} is not paused`);

    await docker("stop", "-t", "0", "ticker");
    const stopped = await docker("pause", "ticker");
    expect(stopped.stderr).toContain(`Container ${id} is not running`);
    const api = await engine.request("POST", `/containers/${id}/pause`);
    expect(api.status).toBe(409);
    await docker("rm", "ticker");
  });

  it("stops, kills and force-removes a paused container like Docker", async () => {
    const a = await run("--stop-timeout", "1", B, "sleep", "600");
    await docker("pause", a);
    expect((await docker("stop", a)).code).toBe(0);
    expect(await inspect("{{.State.Status}} {{.State.Paused}}", a)).toBe("exited false");

    const b = await run(B, "sleep", "600");
    await docker("pause", b);
    expect((await docker("kill", b)).code).toBe(0);
    expect((await docker("wait", b)).stdout.trim()).toBe("137");

    const c = await run(B, "sleep", "600");
    await docker("pause", c);
    expect((await docker("rm", "-f", c)).code).toBe(0);
    expect((await docker("ps", "-aq", "--filter", `id=${c}`)).stdout).toBe("");
    await docker("rm", a, b);
  });

  it("renames: the new name finds it, the old one does not; a taken name is a 409", async () => {
    const id = await run("--name", "old-name", B, "sleep", "600");
    await run("--name", "taken", B, "sleep", "600");
    expect((await docker("rename", "old-name", "new-name")).code).toBe(0);
    expect(await inspect("{{.Name}}", "new-name")).toBe("/new-name");
    expect((await docker("inspect", "old-name")).code).not.toBe(0);

    const clash = await engine.request("POST", "/containers/new-name/rename?name=taken");
    expect(clash.status).toBe(409);
    expect((clash.json() as { message: string }).message).toContain('The container name "/taken" is already in use');
    const cli = await docker("rename", "new-name", "taken");
    expect(cli.code).toBe(1);
    expect(cli.stderr).toContain('The container name "/taken" is already in use by container');
    const bad = await docker("rename", "new-name", "bad/name");
    expect(bad.stderr).toContain("Invalid container name (bad/name)");
    // the name is free again for a new container
    expect((await docker("create", "--name", "old-name", B, "true")).code).toBe(0);
    await docker("rm", "-f", id, "taken", "old-name");
  });

  it("refuses rm of a running container without -f, removes with -f, and accepts -v", async () => {
    const id = await run(B, "sleep", "600");
    const rm = await docker("rm", id);
    expect(rm.code).toBe(1);
    expect(rm.stderr).toContain(`You cannot remove a running container ${id}. Stop the container before attempting ` +
      "removal or force remove");
    expect((await docker("rm", "-f", "-v", id)).code).toBe(0);
    expect((await docker("inspect", id)).stderr).toContain(`No such object: ${id}`);
  });

  it("waits for each condition: not-running, next-exit and removed", async () => {
    const id = (await docker("create", B, "sh", "-c", "exit 4")).stdout.trim();
    // not-running: a created container is not running, so the answer comes at once
    const now = await engine.request("POST", `/containers/${id}/wait?condition=not-running`);
    expect(now.json()).toEqual({ StatusCode: 0, Error: null });

    // hakod answers a wait once it is registered: the start comes after both
    const next = pendingRequest(engine, "POST", `/containers/${id}/wait?condition=next-exit`);
    const removed = pendingRequest(engine, "POST", `/containers/${id}/wait?condition=removed`);
    expect([await next.answered, await removed.answered]).toEqual([200, 200]);
    await docker("start", id);
    expect(await answerOf(next)).toEqual({ StatusCode: 4, Error: null });
    expect((await docker("wait", id)).stdout).toBe("4\n");
    await docker("rm", id);
    expect(await answerOf(removed)).toEqual({ StatusCode: 4, Error: null });

    const bad = await engine.request("POST", `/containers/${id}/wait?condition=sometime`);
    expect(bad.status).toBe(400);
  });

  it("updates limits live: the running container's cgroup shows them, inspect too; bad values are refused", async () => {
    const id = await run(B, "sleep", "600");
    const r = await docker("update", "--memory", "64m", "--memory-swap", "128m", "--cpus", "0.5", "--cpu-shares", "512",
      "--pids-limit", "50", "--restart", "on-failure:3", id);
    expect(r).toMatchObject({ code: 0, stdout: `${id}\n` });
    const read = async (c: string, v1: string, v2file: string) => (await readFile(cgroupFile(id, c, v1, v2file), "utf8")).trim();
    expect(await read("memory", "memory.limit_in_bytes", "memory.max")).toBe(String(64 * 1024 * 1024));
    expect(await read("pids", "pids.max", "pids.max")).toBe("50");
    if (v2) {
      expect(await read("cpu", "", "cpu.max")).toBe("50000 100000");
    } else {
      expect(await read("cpu", "cpu.cfs_quota_us", "")).toBe("50000");
      expect(await read("cpu", "cpu.shares", "")).toBe("512");
    }
    expect(await inspect("{{.HostConfig.Memory}} {{.HostConfig.NanoCpus}} {{.HostConfig.PidsLimit}} " +
      "{{.HostConfig.RestartPolicy.Name}}:{{.HostConfig.RestartPolicy.MaximumRetryCount}}", id))
      .toBe(`${64 * 1024 * 1024} 500000000 50 on-failure:3`);

    const tiny = await docker("update", "--memory", "1m", id);
    expect(tiny.stderr).toContain("Minimum memory limit allowed is 6MB");
    const overSwap = await docker("update", "--memory", "300m", id);
    expect(overSwap.stderr).toContain("Memory limit should be smaller than already set memoryswap limit");
    const period = await docker("update", "--cpu-period", "1000", id);
    expect(period.stderr).toContain("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
    const unparsable = await docker("update", "--memory", "12zz", id);
    expect(unparsable.code).not.toBe(0);
    expect(await read("memory", "memory.limit_in_bytes", "memory.max")).toBe(String(64 * 1024 * 1024));

    // a stopped container: the record changes, the next start applies it
    await docker("stop", "-t", "0", id);
    expect((await docker("update", "--memory", "96m", "--memory-swap", "192m", id)).code).toBe(0);
    await docker("start", id);
    expect(await read("memory", "memory.limit_in_bytes", "memory.max")).toBe(String(96 * 1024 * 1024));
    await docker("rm", "-f", id);
  });

  it("prunes stopped containers only, narrowed by label and until; reports what it removed", async () => {
    const keep = await run("--label", "prune=yes", B, "sleep", "600");
    const a = (await docker("create", "--label", "prune=yes", B, "true")).stdout.trim();
    const b = (await docker("create", "--label", "prune=no", B, "true")).stdout.trim();
    const byLabel = await engine.request("POST", `/containers/prune?filters=${encodeURIComponent('{"label":["prune=yes"]}')}`);
    expect(byLabel.status).toBe(200);
    expect(byLabel.json()).toMatchObject({ ContainersDeleted: [a] });
    const old = await engine.request("POST", `/containers/prune?filters=${encodeURIComponent('{"until":["2000-01-01T00:00:00Z"]}')}`);
    expect(old.json()).toEqual({ ContainersDeleted: null, SpaceReclaimed: 0 });
    const before = (await docker("ps", "-a", "--format", "{{.ID}} {{.Status}} {{.Labels}} {{.Command}}")).stdout;
    const cli = await docker("container", "prune", "-f", "--filter", "label!=prune=yes");
    expect(cli.stdout, before).not.toContain(keep);
    expect(cli.stdout).toContain(b);
    expect((await docker("ps", "-aq", "--no-trunc", "--filter", "label=prune")).stdout.trim()).toBe(keep);
    const bad = await engine.request("POST", `/containers/prune?filters=${encodeURIComponent('{"colour":["red"]}')}`);
    expect(bad.status).toBe(400);
    await docker("rm", "-f", keep);
  });

  it("lists the container's processes like ps -ef, takes other ps_args, and 409s a stopped container", async () => {
    const id = await run(B, "sh", "-c", "sleep 600 & sleep 700; true");
    const topLines = async (): Promise<string[]> => (await docker("top", id)).stdout.trim().split("\n");
    const commands = (lines: string[]): Array<string | undefined> => lines.slice(1).map((l) => l.split(/\s{2,}/).at(-1)).sort();
    // the shell forks both sleeps soon after it starts
    await expect.poll(async () => commands(await topLines()), POLL).toEqual(["sh -c sleep 600 & sleep 700; true",
      "sleep 600", "sleep 700"]);
    const lines = await topLines();
    expect((lines[0] ?? "").split(/\s+/)).toEqual(["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"]);
    expect(lines[1]).toMatch(/^root\s+\d+\s+\d+\s+\d+\s+\d\d:\d\d\s+\?\s+00:00:00\s+sh -c/);

    const custom = await engine.request("GET", `/containers/${id}/top?ps_args=${encodeURIComponent("-o pid,comm")}`);
    const body = custom.json<{ Titles: string[]; Processes: string[][] }>();
    expect(body.Titles).toEqual(["PID", "COMMAND"]);
    expect(body.Processes.map((p) => p[1]).sort()).toEqual(["sh", "sleep", "sleep"]);

    await docker("stop", "-t", "0", id);
    const stopped = await docker("top", id);
    expect(stopped.code).toBe(1);
    expect(stopped.stderr).toContain(`Container ${id} is not running`);
    await docker("rm", id);
  });
});
