/**
 * hako-shim exec (runtime/native/README.md, "exec"): a process in a running container, as `docker exec` needs it,
 * joining the container's namespaces and cgroups with its own user, capabilities and seccomp filter, through the
 * same handshake and frame protocol as a container. Real containers; runs as root.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CGROUP_PARENT, Client, DOCKER_CAPS, DOCKER_CAPS_MASK, FIXTURES, SHIM, alive, create, isRoot, onCleanup,
  useShimHarness, work, type ExitRecord, type Shim, type Spec,
} from "./test/harness.js";
import { dockerProfileToOci } from "./seccomp-profile.js";

const ENV = ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=box"];

/** A process spec as hakod writes one for `docker exec`: the container's env and capabilities, the given args. */
function processSpec(args: string[], more: Spec = {}): Spec {
  return {
    terminal: false,
    user: { uid: 0, gid: 0 },
    args,
    env: ENV,
    cwd: "/",
    capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
    noNewPrivileges: true,
    ...more,
  };
}

/** A running container (started, so that its init is `args`), cleaned up after the test. */
async function running(args: string[], edit?: (s: Spec) => void): Promise<{ shim: Shim; pid: number; client: Client }> {
  const shim = await create(args, { edit });
  expect(shim.line).toMatch(/^ready \d+$/);
  const client = await Client.connect(shim.socket);
  client.start();
  return { shim, pid: Number(shim.line.split(" ")[1]), client };
}

interface Exec {
  line: string;
  socket: string;
  exitFile: string;
  stderr: () => string;
  exited: Promise<number | null>;
}

let execs = 0;

async function execIn(pid: number, spec: Spec, flags: string[] = []): Promise<Exec> {
  const id = `exec-${process.pid}-${++execs}`;
  const dir = path.join(work, id);
  fs.mkdirSync(dir);
  fs.writeFileSync(path.join(dir, "process.json"), JSON.stringify(spec));
  const socket = `hako-shim-test/${id}`;
  const exitFile = path.join(dir, "exit.json");
  const proc = spawn(SHIM, ["exec", "--pid", String(pid), "--process", path.join(dir, "process.json"), "--socket", socket,
    "--exit-file", exitFile, ...flags], { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  onCleanup(() => {
    if (proc.pid && alive(proc.pid)) proc.kill("SIGKILL");
  });
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  let out = "";
  const line = await new Promise<string>((resolve) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
    });
    proc.stdout!.on("end", () => resolve(out));
  });
  return { line, socket, exitFile, stderr: () => err, exited };
}

/** exec, start, wait for the exit frame */
async function execRun(pid: number, spec: Spec, flags: string[] = []) {
  const e = await execIn(pid, spec, flags);
  expect(e.line, e.stderr()).toMatch(/^ready \d+$/);
  const client = await Client.connect(e.socket);
  client.start();
  const exit = await client.exit();
  return { e, client, exit, stdout: client.output(1), stderr: client.output(2) };
}

describe.skipIf(!isRoot)("hako-shim exec", () => {
  useShimHarness();

  it("runs echo hi in a running container: a stdout frame, exit 0, the exit file; the container runs on", async () => {
    const { pid } = await running(["sleep", "100"]);
    const { e, exit, stdout } = await execRun(pid, processSpec(["echo", "hi"]));
    expect(stdout).toBe("hi\n");
    expect(exit).toMatchObject({ exitCode: 0, signal: 0, oomKilled: false });
    expect(JSON.parse(fs.readFileSync(e.exitFile, "utf8"))).toEqual(exit);
    expect(await e.exited).toBe(0);
    expect(alive(pid)).toBe(true);
  });

  it("sees the container's pid namespace, hostname, filesystem and environment, and works in its cwd", async () => {
    const { pid, client } = await running(["sh", "-c", "echo made-by-init > /tmp/marker; echo up; exec sleep 100"]);
    await client.until(() => client.output(1).includes("up"), "the container's init");
    const { stdout, exit } = await execRun(pid, processSpec(
      ["sh", "-c", "ps -o pid,args | grep -E '^ +1 '; hostname; cat /tmp/marker; pwd; echo $GREETING"],
      { cwd: "/tmp", env: [...ENV, "GREETING=hello"] },
    ));
    expect(exit.exitCode).toBe(0);
    expect(stdout).toMatch(/^ +1 sleep 100\nbox\nmade-by-init\n\/tmp\nhello\n$/);
  });

  it("puts the process into the container's cgroups (in every hierarchy) and cgroup namespace; the shim stays out", async () => {
    const { shim, pid } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["sh", "-c", "grep -E '^0::|memory' /proc/self/cgroup; sleep 100"]));
    const execPid = Number(e.line.split(" ")[1]);
    const client = await Client.connect(e.socket);
    client.start();
    await client.until(() => client.output(1).split("\n").length > 2, "the cgroup lines");
    for (const line of client.output(1).trim().split("\n")) expect(line).toMatch(/:\/$/); // the namespace's root
    const init = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8");
    const mine = fs.readFileSync(`/proc/${execPid}/cgroup`, "utf8");
    expect(mine).toBe(init);
    expect(mine).toContain(`${CGROUP_PARENT}/${shim.id}`);
    for (const ns of ["mnt", "pid", "net", "uts", "ipc", "cgroup"])
      expect(fs.readlinkSync(`/proc/${execPid}/ns/${ns}`), ns).toBe(fs.readlinkSync(`/proc/${pid}/ns/${ns}`));
    client.signal(9);
    expect(await client.exit()).toMatchObject({ exitCode: 137, signal: 9 });
  });

  it("passes the exit code on, and the signal that ended the process", async () => {
    const { pid } = await running(["sleep", "100"]);
    expect((await execRun(pid, processSpec(["sh", "-c", "echo oops >&2; exit 5"]))).exit).toMatchObject({ exitCode: 5 });
    const e = await execIn(pid, processSpec(["sleep", "100"]));
    const client = await Client.connect(e.socket);
    client.start();
    client.signal(15); // not pid 1 of the namespace: the default action applies
    expect(await client.exit()).toMatchObject({ exitCode: 143, signal: 15 });
  });

  it("applies the user, groups and capabilities of the process spec, and no_new_privs", async () => {
    const { pid } = await running(["sleep", "100"]);
    const asUser = await execRun(pid, processSpec(["sh", "-c", "id -u; id -G; grep -E '^(CapEff|NoNewPrivs)' /proc/self/status"],
      { user: { uid: 1000, gid: 1000, additionalGids: [10] } }));
    expect(asUser.stdout).toBe("1000\n1000 10\nCapEff:\t0000000000000000\nNoNewPrivs:\t1\n");
    const caps = { bounding: ["CAP_CHOWN", "CAP_KILL"], effective: ["CAP_CHOWN"], permitted: ["CAP_CHOWN"] };
    const oneCap = await execRun(pid, processSpec(["grep", "-E", "^Cap(Eff|Bnd)", "/proc/self/status"], { capabilities: caps }));
    expect(oneCap.stdout).toBe("CapEff:\t0000000000000001\nCapBnd:\t0000000000000021\n");
    // without no_new_privs, root's execve raises permitted to the bounding set (the kernel's rule; runc's too)
    const asRoot = await execRun(pid, processSpec(["grep", "-E", "^CapEff", "/proc/self/status"],
      { capabilities: caps, noNewPrivileges: false }));
    expect(asRoot.stdout).toBe("CapEff:\t0000000000000021\n");
  });

  it("without capabilities or rlimits in the process spec, takes the container's, never the shim's", async () => {
    const { pid } = await running(["sleep", "100"], (s) => (s.process.rlimits = [{ type: "RLIMIT_NOFILE", hard: 4096, soft: 512 }]));
    const spec = processSpec(["sh", "-c", "grep -E '^Cap(Eff|Bnd)' /proc/self/status; ulimit -n; ulimit -Hn"]);
    delete spec.capabilities;
    const { stdout } = await execRun(pid, spec);
    expect(stdout).toBe(`CapEff:\t${DOCKER_CAPS_MASK}\nCapBnd:\t${DOCKER_CAPS_MASK}\n512\n4096\n`);
  });

  it("gives a pty from the container's devpts with --tty, sized by a resize frame sent before start", async () => {
    const { pid } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["sh", "-c", "tty; stty size"]), ["--tty"]);
    const client = await Client.connect(e.socket);
    client.resize(40, 120);
    client.start();
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1)).toMatch(/^\/dev\/pts\/\d+\r\n40 120\r\n$/);
  });

  it("with --tty and --stdin, an interactive shell answers what is typed", async () => {
    const { pid } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["sh"]), ["--tty", "--stdin"]);
    const client = await Client.connect(e.socket);
    client.start();
    client.send(0, Buffer.from("echo $((6*7))\n"));
    await client.until(() => client.output(1).includes("42\r\n"), "the answer");
    client.send(0, Buffer.from("exit 3\n"));
    expect((await client.exit()).exitCode).toBe(3);
  });

  it("round-trips stdin with --stdin, and closes it on request", async () => {
    const { pid } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["cat"]), ["--stdin"]);
    const client = await Client.connect(e.socket);
    client.start();
    client.send(0, Buffer.from("to the container\n"));
    await client.until(() => client.output(1) === "to the container\n", "the echo of stdin");
    client.send(4);
    expect(await client.exit()).toMatchObject({ exitCode: 0 });
  });

  it("applies a seccomp filter from --seccomp (a config.json or a bare linux.seccomp)", async () => {
    const profile = path.join(FIXTURES, "reference", "docker-default-seccomp.json");
    const seccomp = fs.existsSync(profile)
      ? dockerProfileToOci(JSON.parse(fs.readFileSync(profile, "utf8")), { caps: DOCKER_CAPS, arch: "amd64" })
      : { defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["unshare"], action: "SCMP_ACT_ERRNO" }] };
    const { shim, pid } = await running(["sleep", "100"], (s) => (s.linux.seccomp = seccomp));
    const bare = path.join(shim.dir, "seccomp.json");
    fs.writeFileSync(bare, JSON.stringify(seccomp));
    for (const file of [path.join(shim.dir, "config.json"), bare]) {
      const { stdout } = await execRun(pid, processSpec(["sh", "-c", "grep '^Seccomp:' /proc/self/status; unshare -U true 2>&1"]),
        ["--seccomp", file]);
      expect(stdout).toBe("Seccomp:\t2\nunshare: unshare(0x10000000): Operation not permitted\n");
    }
    const without = await execRun(pid, processSpec(["grep", "^Seccomp:", "/proc/self/status"]));
    expect(without.stdout).toBe("Seccomp:\t0\n");
  });

  it("joins the cgroup given by --cgroup, and logs to --log when asked", async () => {
    const { shim, pid } = await running(["sleep", "100"]);
    const log = path.join(shim.dir, "exec.log");
    const { stdout } = await execRun(pid, processSpec(["sh", "-c", "echo logged; cat /proc/self/cgroup | grep -c ':/$'"]),
      ["--cgroup", `${CGROUP_PARENT}/${shim.id}`, "--log", log]);
    expect(stdout.split("\n")[0]).toBe("logged");
    expect(fs.readFileSync(log).subarray(16, 23).toString()).toBe("logged\n");
  });

  it("refuses a missing executable with Docker's message, before ready", async () => {
    const { pid } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["nosuch"]));
    expect(e.line).toBe('error exec: "nosuch": executable file not found in $PATH');
    expect(await e.exited).toBe(1);
    expect(fs.existsSync(e.exitFile)).toBe(false);
    await expect(Client.connect(e.socket)).rejects.toThrow();
  });

  it("refuses a pid that does not exist, and a process that is not in a container", async () => {
    const gone = await execIn(4194303, processSpec(["true"]));
    expect(gone.line).toMatch(/^error the container's process 4194303 is not running: No such process$/);
    const host = await execIn(process.pid, processSpec(["true"]));
    expect(host.line).toBe(`error process ${process.pid} is not in a container: it shares the runtime's mount namespace`);
  });

  it("ends with the container: killing its init kills the exec'd process too", async () => {
    const { pid, client: init } = await running(["sleep", "100"]);
    const e = await execIn(pid, processSpec(["sh", "-c", "echo up; exec sleep 100"]));
    const client = await Client.connect(e.socket);
    client.start();
    await client.until(() => client.output(1).includes("up"), "the exec'd process"); // it is inside the namespaces
    init.signal(9);
    const exit: ExitRecord = await client.exit();
    expect(exit).toMatchObject({ exitCode: 137, signal: 9 });
  });
});
