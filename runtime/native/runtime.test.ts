/**
 * hako-shim with an external OCI runtime as its create step (runtime/native/README.md, "An external OCI runtime"):
 * `--runtime runc` keeps the shim's contract (handshake, frames, log, pid and exit files) while runc creates,
 * starts and deletes the container. Real runc, real namespaces and cgroups; runs as root with runc installed.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  Client, SHIM, alive, controllerDirs, isRoot, onCleanup, prepare, readLog, spawnShim, useShimHarness, waitFor,
  work, type ExitRecord, type Shim, type Spec,
} from "./test/harness.js";

const RUNC = ["/usr/sbin/runc", "/usr/bin/runc", "/usr/local/sbin/runc"].find((p) => fs.existsSync(p));

const HARD_NOFILE = Number(/^Max open files\s+\S+\s+(\d+)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"))?.[1]
  ?? 1024);

function runcRoot(): string {
  return path.join(work, "runc");
}

/** the ids runc knows in the test's root */
function runcList(): string[] {
  if (!fs.existsSync(runcRoot())) return [];
  return execFileSync(RUNC as string, ["--root", runcRoot(), "list", "-q"], { encoding: "utf8" }).split("\n")
    .filter(Boolean);
}

async function createWithRunc(args: string[], opts: { tty?: boolean; stdin?: boolean; edit?: (s: Spec) => void;
  runtime?: string; reuse?: { id: string; dir: string; socket: string } } = {}): Promise<Shim> {
  // runc refuses a hard limit above its own where hako-shim clamps it with a warning; hakod clamps them itself
  const clamp = (spec: Spec): void => {
    spec.process.rlimits = [{ type: "RLIMIT_NOFILE", hard: HARD_NOFILE, soft: HARD_NOFILE }];
    opts.edit?.(spec);
  };
  const { id, dir, socket } = opts.reuse ?? prepare(args, { tty: opts.tty, edit: clamp });
  const flags = [...(opts.stdin ? ["--stdin"] : []), ...(opts.tty ? ["--tty"] : []),
    "--runtime", opts.runtime ?? (RUNC as string), "--runtime-root", runcRoot()];
  const shim = await spawnShim(id, dir, socket, flags);
  onCleanup(() => {
    if (runcList().includes(id)) execFileSync(RUNC as string, ["--root", runcRoot(), "delete", "--force", id]);
  });
  return shim;
}

async function runWithRunc(args: string[], opts: Parameters<typeof createWithRunc>[1] = {}) {
  const shim = await createWithRunc(args, opts);
  expect(shim.line, shim.stderr()).toMatch(/^ready \d+$/);
  const client = await Client.connect(shim.socket);
  client.start();
  const exit = await client.exit();
  return { shim, client, exit, stdout: client.output(1), stderr: client.output(2) };
}

describe.skipIf(!isRoot || !RUNC)("hako-shim --runtime runc", () => {
  useShimHarness();

  it("creates with runc, waits for start, relays and logs the output, records the exit and deletes the container", async () => {
    const shim = await createWithRunc(["sh", "-c", "echo out; echo err >&2; hostname; echo $$; exit 3"]);
    expect(shim.line).toMatch(/^ready \d+$/);
    const pid = Number(shim.line.split(" ")[1]);
    expect(fs.readFileSync(shim.files.pid, "utf8")).toBe(`${pid}\n`);
    // created, not started: runc knows it, and init waits
    expect(runcList()).toContain(shim.id);
    expect(alive(pid)).toBe(true);
    // the shim is init's parent (a child subreaper): it can wait for it and signal it without a pid-reuse race
    expect(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[3]).toBe(String(shim.proc.pid));

    const client = await Client.connect(shim.socket);
    client.start();
    const exit: ExitRecord = await client.exit();
    expect(exit).toMatchObject({ exitCode: 3, signal: 0, oomKilled: false });
    expect(client.output(1)).toBe("out\nbox\n1\n");
    expect(client.output(2)).toBe("err\n");
    expect(readLog(shim.files.log).map((r) => [r.stream, r.data])).toEqual(expect.arrayContaining([[2, "err\n"]]));
    expect(JSON.parse(fs.readFileSync(shim.files.exit, "utf8"))).toEqual(exit);
    expect(await shim.exited).toBe(0);
    // deleted before the exit record was written: runc's state and the container's cgroups are gone
    expect(runcList()).not.toContain(shim.id);
    for (const d of controllerDirs(shim.id)) expect(fs.existsSync(d), d).toBe(false);
  });

  it("reports runc's create error as hako-shim's own, and leaves nothing behind", async () => {
    const shim = await createWithRunc(["nosuchcmd"]);
    expect(shim.line).toBe('error exec: "nosuchcmd": executable file not found in $PATH');
    expect(await shim.exited).toBe(1);
    expect(fs.existsSync(shim.files.pid)).toBe(false);
    expect(fs.existsSync(shim.files.exit)).toBe(false);
    expect(runcList()).not.toContain(shim.id);
  });

  it("refuses a runtime that is not there", async () => {
    const shim = await createWithRunc(["true"], { runtime: "/nonexistent/runc" });
    expect(shim.line).toBe("error the runtime `/nonexistent/runc`: No such file or directory");
    expect(await shim.exited).toBe(1);
  });

  it("feeds stdin, and gives a pty from runc's console socket that resizes", async () => {
    const shim = await createWithRunc(["sh", "-c", "read line; echo got $line"], { stdin: true });
    const client = await Client.connect(shim.socket);
    client.start();
    client.send(0, Buffer.from("hello\n"));
    client.send(4);
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1)).toBe("got hello\n");

    const tty = await createWithRunc(["sh", "-c", "tty; stty size"], { tty: true });
    expect(tty.line).toMatch(/^ready \d+$/);
    const t = await Client.connect(tty.socket);
    t.resize(33, 101);
    t.start();
    expect((await t.exit()).exitCode).toBe(0);
    expect(t.output(1).replace(/\r/g, "")).toBe("/dev/pts/0\n33 101\n");
  });

  it("delivers signal frames to init: a trap's exit code, SIGKILL → 137", async () => {
    const shim = await createWithRunc(["sh", "-c", "trap 'exit 42' USR1; echo ready; while true; do sleep 0.1; done"]);
    const client = await Client.connect(shim.socket);
    client.start();
    await client.until(() => client.output(1).includes("ready"), "ready");
    client.signal(10);
    expect((await client.exit()).exitCode).toBe(42);

    const sleeper = await createWithRunc(["sleep", "600"]);
    const c2 = await Client.connect(sleeper.socket);
    c2.start();
    c2.signal(9);
    expect(await c2.exit()).toMatchObject({ exitCode: 137, signal: 9 });
  });

  it("brings up the loopback device of the container's new network namespace, as hako-shim's own create does", async () => {
    const r = await runWithRunc(["sh", "-c", "ip link show lo | grep -o 'UP,LOWER_UP'"]);
    expect(r.stdout).toBe("UP,LOWER_UP\n");
  });

  it("lets hako-shim exec join a runc container's namespaces and cgroups (docker exec needs no runtime)", async () => {
    const shim = await createWithRunc(["sh", "-c", "echo ready; while true; do sleep 0.1; done"],
      { edit: (s) => (s.linux.resources.pids = { limit: 50 }) });
    const pid = Number(shim.line.split(" ")[1]);
    const client = await Client.connect(shim.socket);
    client.start();
    await client.until(() => client.output(1).includes("ready"), "ready");

    const dir = path.join(work, `${shim.id}-exec`);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "process.json"), JSON.stringify({ terminal: false, user: { uid: 0, gid: 0 },
      args: ["sh", "-c", "hostname; echo $$; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max"],
      env: ["PATH=/usr/bin:/bin"], cwd: "/" }));
    const socket = `hako-shim-test/${shim.id}-exec`;
    const proc = spawn(SHIM, ["exec", "--pid", String(pid), "--process", path.join(dir, "process.json"), "--socket",
      socket, "--exit-file", path.join(dir, "exit.json")], { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    onCleanup(() => {
      if (proc.pid && alive(proc.pid)) proc.kill("SIGKILL");
    });
    const line = await new Promise<string>((resolve) => {
      let out = "";
      proc.stdout!.on("data", (d: Buffer) => {
        out += d.toString();
        if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
      });
      proc.stdout!.on("end", () => resolve(out));
    });
    expect(line).toMatch(/^ready \d+$/);
    const exec = await Client.connect(socket);
    exec.start();
    expect((await exec.exit()).exitCode).toBe(0);
    const [hostname, execPid, pidsMax] = exec.output(1).split("\n");
    expect([hostname, pidsMax]).toEqual(["box", "50"]);
    expect(Number(execPid)).toBeGreaterThan(1); // in the container's pid namespace, beside its init
    client.signal(9);
    expect((await client.exit()).exitCode).toBe(137);
  });

  it("replaces the runc state left by a shim that was killed, when the id is created again", async () => {
    const shim = await createWithRunc(["sleep", "600"]);
    expect(shim.line).toMatch(/^ready \d+$/);
    const pid = Number(shim.line.split(" ")[1]);
    shim.proc.kill("SIGKILL");
    await shim.exited;
    expect(runcList()).toContain(shim.id);
    const config = path.join(shim.dir, "config.json");
    const spec = JSON.parse(fs.readFileSync(config, "utf8")) as Spec;
    spec.process.args = ["sh", "-c", "echo again"];
    fs.writeFileSync(config, JSON.stringify(spec));
    const again = await createWithRunc([], {
      reuse: { id: shim.id, dir: shim.dir, socket: shim.socket } });
    expect(again.line).toMatch(/^ready \d+$/);
    await waitFor(() => !alive(pid), "the old init to be gone");
    const client = await Client.connect(again.socket);
    client.start();
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1)).toBe("again\n");
  });
});
