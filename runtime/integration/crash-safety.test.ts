/**
 * Crash safety: hakod killed (SIGKILL) in the middle of create, start and rm — at the crash points of
 * runtime/crash-points.ts (HAKO_TEST_CRASH_POINT, test-only) — then started again on the same data root. What a user
 * then sees is consistent: a container is either absent or complete, either running (re-adopted) or cleanly
 * created, and a removed one leaves no mount, cgroup or directory behind; `docker ps -a` works and the image can
 * still be removed. (Exit codes of containers that ended while hakod was down and restart policies at daemon start
 * are restart.test.ts's and restart-policy.test.ts's.)
 */
import { existsSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { CrashPoint } from "../crash-points.js";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

const CGROUP_ROOT = "/sys/fs/cgroup";

describe.skipIf(!isRoot)("crash safety: kill -9 of hakod in the middle of an operation", () => {
  let engine: EngineHandle;
  let layout: Layout;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    layout = new Layout(engine.dataRoot);
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  /**
   * Restarts hakod armed with a crash point, runs the docker command that passes it, checks that hakod died there (the
   * command got no answer) and starts hakod again, unarmed.
   */
  async function crashDuring(point: CrashPoint, args: string[]): Promise<void> {
    await engine.stop(); // containers keep running; the next hakod re-adopts them
    process.env.HAKO_TEST_CRASH_POINT = point;
    try {
      await engine.restart();
    } finally {
      delete process.env.HAKO_TEST_CRASH_POINT;
    }
    const r = await engine.docker(args);
    expect(r.code, `docker ${args.join(" ")} should have lost its engine`).not.toBe(0);
    const deadline = Date.now() + 10_000;
    while (engine.pid !== 0 && Date.now() < deadline) await new Promise((res) => setTimeout(res, 20));
    expect(engine.pid, `hakod did not die at ${point}`).toBe(0);
    await engine.restart();
  }

  const inspect = async (ref: string, format: string): Promise<string> =>
    (await engine.docker(["inspect", "-f", format, ref])).stdout.trim();
  const fullId = async (ref: string): Promise<string> => inspect(ref, "{{.Id}}");
  const mountsOf = async (id: string): Promise<string[]> =>
    (await readFile("/proc/self/mounts", "utf8")).split("\n").map((l) => l.split(" ")[1] ?? "")
      .filter((m) => m.startsWith(`${engine.dataRoot}/`) && (m.includes(id) || m.startsWith(layout.tmpDir())));
  const cgroupDirs = async (id: string): Promise<string[]> => {
    const roots = existsSync(`${CGROUP_ROOT}/cgroup.controllers`) ? [CGROUP_ROOT]
      : (await readdir(CGROUP_ROOT)).map((c) => `${CGROUP_ROOT}/${c}`);
    return roots.map((r) => `${r}${layout.cgroupPath(id)}`).filter((d) => existsSync(d));
  };
  const names = async (): Promise<string[]> => {
    const r = await engine.docker(["ps", "-a", "--format", "{{.Names}}"]);
    expect(r.code).toBe(0);
    return r.stdout.split("\n").filter(Boolean);
  };
  /** the engine cleans up asynchronously after a restart: give it a moment */
  const eventually = (check: () => Promise<boolean>, what: string): Promise<void> => until(check, 10_000, what);

  it("create, killed before the record: no container appears, nothing is left, the name is free", async () => {
    const before = await readdir(layout.containersDir());
    await crashDuring("create.after-dir", ["create", "--name", "half", B, "true"]);
    expect(await names()).not.toContain("half");
    expect(await readdir(layout.containersDir())).toEqual(before);
    const again = await engine.docker(["create", "--name", "half", B, "true"]);
    expect(again.code).toBe(0);
    await engine.docker(["rm", "half"]);
  });

  it("create, killed after the record: the container is complete and runs", async () => {
    await crashDuring("create.after-record", ["create", "--name", "whole", B, "echo", "made it"]);
    expect(await names()).toContain("whole");
    expect(await inspect("whole", "{{.State.Status}} {{.Config.Image}} {{.Path}}")).toBe(`created ${B} echo`);
    const run = await engine.docker(["start", "-a", "whole"]);
    expect([run.code, run.stdout]).toEqual([0, "made it\n"]);
    await engine.docker(["rm", "whole"]);
  });

  it("start, killed once the shim waits: the container is cleanly created, the command never ran, it starts again",
    async () => {
      await engine.docker(["create", "--name", "s1", B, "sh", "-c", "echo started; sleep 600"]);
      const id = await fullId("s1");
      await crashDuring("start.after-spawn", ["start", "s1"]);
      expect(await inspect("s1", "{{.State.Status}} {{.State.Running}}")).toBe("created false");
      // the waiting shim is ended, its cgroup goes, the rootfs is unmounted
      await eventually(async () => (await cgroupDirs(id)).length === 0, "the cgroup of the aborted start to go");
      await eventually(async () => (await mountsOf(id)).length === 0, "the rootfs of the aborted start to be unmounted");
      expect((await engine.docker(["logs", "s1"])).stdout).toBe("");
      expect((await engine.docker(["start", "s1"])).code).toBe(0);
      expect(await inspect("s1", "{{.State.Running}}")).toBe("true");
      await eventually(async () => (await engine.docker(["logs", "s1"])).stdout === "started\n", "its output");
      expect((await engine.docker(["rm", "-f", "s1"])).code).toBe(0);
    });

  it("start, killed after recording it: the container runs, re-adopted, and stops with its exit code", async () => {
    await engine.docker(["create", "--name", "s2", B, "sh", "-c", "trap 'exit 42' TERM; echo up; while true; do sleep 0.1; done"]);
    const id = await fullId("s2");
    await crashDuring("start.after-record", ["start", "s2"]);
    expect(await inspect("s2", "{{.State.Status}}")).toBe("running");
    expect(engine.log()).toContain("re-adopted a running container");
    await eventually(async () => (await engine.docker(["logs", "s2"])).stdout === "up\n", "its output");
    const pid = Number(await inspect("s2", "{{.State.Pid}}"));
    expect(pid).toBeGreaterThan(0);
    expect((await readFile(`/proc/${pid}/cgroup`, "utf8"))).toContain(layout.cgroupPath(id));
    expect((await engine.docker(["stop", "-t", "5", "s2"])).code).toBe(0);
    expect(await inspect("s2", "{{.State.Status}} {{.State.ExitCode}}")).toBe("exited 42");
    await engine.docker(["rm", "s2"]);
  });

  it("rm -f, killed after the record went: the container is gone with its mounts, cgroups and directories", async () => {
    const id = (await engine.docker(["run", "-d", "--name", "doomed", B, "sleep", "600"])).stdout.trim();
    expect(await mountsOf(id)).not.toEqual([]);
    expect(await cgroupDirs(id)).not.toEqual([]);
    await crashDuring("remove.after-rename", ["rm", "-f", "doomed"]);
    expect(await names()).not.toContain("doomed");
    expect((await engine.docker(["inspect", id])).code).not.toBe(0);
    await eventually(async () => (await mountsOf(id)).length === 0, "the removed container's mounts to go");
    await eventually(async () => (await cgroupDirs(id)).length === 0, "the removed container's cgroups to go");
    expect(existsSync(layout.containerDir(id))).toBe(false);
    expect(await readdir(layout.tmpDir())).toEqual([]);
    // a new container may take the name at once
    expect((await engine.docker(["create", "--name", "doomed", B, "true"])).code).toBe(0);
    await engine.docker(["rm", "doomed"]);
  });

  it("rm of a stopped container, killed after the record went: gone, and the image can be removed afterwards",
    async () => {
      const id = (await engine.docker(["create", "--name", "last", B, "true"])).stdout.trim();
      await engine.docker(["start", "-a", "last"]);
      await crashDuring("remove.after-rename", ["rm", "last"]);
      expect(await names()).toEqual([]);
      await eventually(async () => (await mountsOf(id)).length === 0, "the mounts to go");
      expect(await readdir(layout.containersDir())).toEqual([]);
      const rmi = await engine.docker(["rmi", B]);
      expect(rmi.code, rmi.stderr).toBe(0);
      expect((await engine.docker(["images", "-q"])).stdout).toBe("");
    });
});
