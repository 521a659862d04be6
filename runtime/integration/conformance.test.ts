/**
 * Executor conformance: the same container scenarios through two hakods, one creating containers with hako-shim
 * itself and one with runc (the reference OCI runtime, driven by hako-shim: oci/runtimes.ts), with the stock docker
 * CLI. Each scenario reduces what a user sees (output, exit codes, inspect fields, files inside the container) to a
 * value; both runtimes must give the same value, and it must be the expected one. As root, with runc installed.
 */
import { existsSync, readFileSync, readlinkSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { findRunc, RUNTIME_NAMES, type RuntimeName } from "../oci/runtimes.js";
import { isRoot, run, startEngine, type EngineHandle } from "./engine-harness.js";
import { spawnDocker } from "./observe-helpers.js";

const RUNC = findRunc();

interface Scenario {
  name: string;
  /** what a user observes, as a value (no container ids, times or pids in it) */
  observe(e: EngineHandle, image: string): Promise<unknown>;
  /** what that value must be (vitest's asymmetric matchers allowed) */
  expected: unknown;
}

async function docker(e: EngineHandle, args: string[], input?: string): Promise<{ code: number; stdout: string;
  stderr: string }> {
  const r = await e.docker(args, { input });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
}

async function inspect(e: EngineHandle, format: string, ref: string): Promise<string> {
  return (await e.docker(["inspect", "-f", format, ref])).stdout.trim();
}

/** Runs detached and returns once the container has printed `ready` (its traps and children are in place). */
async function runReady(e: EngineHandle, args: string[]): Promise<string> {
  const r = await e.docker(["run", "-d", ...args]);
  if (r.code !== 0) throw new Error(`docker run failed: ${r.stderr}`);
  const id = r.stdout.trim();
  const logs = spawnDocker(e, ["logs", "-f", id]);
  try {
    await logs.waitFor("ready");
  } finally {
    logs.stop();
  }
  return id;
}

/** The daemon's error line of a failed `docker run` ("Error response from daemon: …"). */
function daemonError(stderr: string): string {
  return /Error response from daemon: (.*)/.exec(stderr)?.[1] ?? stderr;
}

const hybridOrV1 = existsSync("/sys/fs/cgroup/memory/memory.limit_in_bytes");

const SCENARIOS: Scenario[] = [
  {
    name: "echo: output and exit 0, the container removed by --rm",
    observe: async (e, B) => ({ run: await docker(e, ["run", "--rm", B, "echo", "hello"]),
      left: (await e.docker(["ps", "-aq"])).stdout }),
    expected: { run: { code: 0, stdout: "hello\n", stderr: "" }, left: "" },
  },
  {
    name: "exit 3 with stderr: relayed, logged by stream, recorded",
    observe: async (e, B) => {
      const r = await docker(e, ["run", "--name", "exit3", B, "sh", "-c", "echo out; echo oops >&2; exit 3"]);
      const logs = await docker(e, ["logs", "exit3"]);
      const state = await inspect(e, "{{.State.Status}} {{.State.ExitCode}} {{.State.OOMKilled}} {{.State.Error}}",
        "exit3");
      await e.docker(["rm", "exit3"]);
      return { r, logs, state };
    },
    expected: {
      r: { code: 3, stdout: "out\n", stderr: "oops\n" },
      logs: { code: 0, stdout: "out\n", stderr: "oops\n" },
      state: "exited 3 false",
    },
  },
  {
    name: "pid 1 and hostname: its own pid and uts namespaces",
    observe: async (e, B) => {
      const named = await docker(e, ["run", "--rm", "--hostname", "box", B, "sh", "-c",
        "echo $$; hostname; cat /etc/hostname; grep -c box /etc/hosts"]);
      const id = (await e.docker(["run", "-d", B, "hostname"])).stdout.trim();
      await e.docker(["wait", id]);
      const byId = (await e.docker(["logs", id])).stdout === `${id.slice(0, 12)}\n`;
      await e.docker(["rm", id]);
      return { named, byId };
    },
    expected: { named: { code: 0, stdout: "1\nbox\nbox\n1\n", stderr: "" }, byId: true },
  },
  {
    name: "env, user and workdir",
    observe: async (e, B) => ({
      root: await docker(e, ["run", "--rm", "-e", "FOO=bar", B, "sh", "-c", "echo $FOO $HOME; id; pwd; umask"]),
      nobody: await docker(e, ["run", "--rm", "-u", "nobody", "-w", "/tmp/work", B, "sh", "-c",
        "id; pwd; echo $HOME; touch /x 2>/dev/null || echo denied"]),
      group: await docker(e, ["run", "--rm", "-u", "1234:5678", B, "id"]),
    }),
    expected: {
      root: { code: 0, stdout: "bar /root\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\n/\n0022\n", stderr: "" },
      nobody: { code: 0, stdout: "uid=65534(nobody) gid=65534(nobody) groups=65534(nobody)\n/tmp/work\n/home\ndenied\n",
        stderr: "" },
      group: { code: 0, stdout: "uid=1234 gid=5678 groups=5678\n", stderr: "" },
    },
  },
  {
    name: "stdin with -i, a pty with -t",
    observe: async (e, B) => ({
      stdin: await docker(e, ["run", "--rm", "-i", B, "sh", "-c", "cat; echo done"], "typed\n"),
      tty: await docker(e, ["run", "--rm", "-t", B, "sh", "-c", "tty; [ -t 0 ] && [ -t 1 ] && echo both"]),
    }),
    expected: {
      stdin: { code: 0, stdout: "typed\ndone\n", stderr: "" },
      tty: { code: 0, stdout: "/dev/pts/0\r\nboth\r\n", stderr: "" },
    },
  },
  {
    name: "a command that is not found: 127 and Docker's message",
    observe: async (e, B) => {
      const r = await docker(e, ["run", "--name", "nf", B, "nosuchcmd"]);
      const state = await inspect(e, "{{.State.Status}} {{.State.ExitCode}}", "nf");
      await e.docker(["rm", "nf"]);
      return { code: r.code, error: daemonError(r.stderr), state };
    },
    expected: {
      code: 127,
      error: 'failed to create task for container: exec: "nosuchcmd": executable file not found in $PATH',
      state: "created 127",
    },
  },
  {
    name: "memory limit: in the container's cgroup, exceeded → OOM kill, 137, OOMKilled",
    observe: async (e, B) => {
      const limit = await docker(e, ["run", "--rm", "-m", "32m", B, "cat",
        hybridOrV1 ? "/sys/fs/cgroup/memory/memory.limit_in_bytes" : "/sys/fs/cgroup/memory.max"]);
      const oom = await docker(e, ["run", "--name", "oom", "-m", "32m", B, "sh", "-c",
        'x=$(head -c 80000000 /dev/zero | tr "\\0" a); echo survived']);
      const state = await inspect(e, "{{.State.ExitCode}} {{.State.OOMKilled}}", "oom");
      await e.docker(["rm", "oom"]);
      return { limit: limit.stdout, code: oom.code, stdout: oom.stdout, state };
    },
    expected: { limit: "33554432\n", code: 137, stdout: "", state: "137 true" },
  },
  {
    name: "pids limit: set in the cgroup, forks beyond it fail",
    observe: async (e, B) => {
      const r = await docker(e, ["run", "--rm", "--pids-limit", "8", B, "sh", "-c",
        `cat ${hybridOrV1 ? "/sys/fs/cgroup/pids/pids.max" : "/sys/fs/cgroup/pids.max"}; ` +
        "i=0; while [ $i -lt 12 ]; do sleep 60 & i=$((i+1)); done; echo looped"]);
      return { code: r.code, stdout: r.stdout, forkFailed: /can't fork|Resource temporarily unavailable/.test(r.stderr) };
    },
    // busybox sh gives up at the first fork that fails (status 2)
    expected: { code: 2, stdout: "8\n", forkFailed: true },
  },
  {
    name: "security defaults: capabilities, no_new_privs, seccomp filter",
    observe: async (e, B) => ({
      root: await docker(e, ["run", "--rm", B, "grep", "-E", "^(CapInh|CapPrm|CapEff|CapBnd|CapAmb|NoNewPrivs|Seccomp):",
        "/proc/self/status"]),
      nobody: await docker(e, ["run", "--rm", "-u", "nobody", B, "grep", "-E", "^(CapPrm|CapEff|CapBnd):",
        "/proc/self/status"]),
      capAdd: await docker(e, ["run", "--rm", "--cap-drop", "ALL", "--cap-add", "NET_ADMIN", B, "grep", "^CapEff:",
        "/proc/self/status"]),
      nnp: await docker(e, ["run", "--rm", "--security-opt", "no-new-privileges", B, "grep", "^NoNewPrivs:",
        "/proc/self/status"]),
      unconfined: await docker(e, ["run", "--rm", "--security-opt", "seccomp=unconfined", B, "grep", "^Seccomp:",
        "/proc/self/status"]),
      // Docker's profile refuses unshare of a user namespace without CAP_SYS_ADMIN: EPERM
      denied: await docker(e, ["run", "--rm", B, "sh", "-c", "unshare -U true 2>&1 | grep -o 'Operation not permitted'"]),
    }),
    expected: {
      root: { code: 0, stderr: "", stdout: "CapInh:\t0000000000000000\nCapPrm:\t00000000a80425fb\n" +
        "CapEff:\t00000000a80425fb\nCapBnd:\t00000000a80425fb\nCapAmb:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n" },
      nobody: { code: 0, stderr: "",
        stdout: "CapPrm:\t0000000000000000\nCapEff:\t0000000000000000\nCapBnd:\t00000000a80425fb\n" },
      capAdd: { code: 0, stdout: "CapEff:\t0000000000001000\n", stderr: "" },
      nnp: { code: 0, stdout: "NoNewPrivs:\t1\n", stderr: "" },
      unconfined: { code: 0, stdout: "Seccomp:\t0\n", stderr: "" },
      denied: { code: 0, stdout: "Operation not permitted\n", stderr: "" },
    },
  },
  {
    name: "signal dispositions: nothing ignored or blocked is inherited from the runtime (SIGPIPE ends a writer)",
    observe: async (e, B) => docker(e, ["run", "--rm", B, "sh", "-c",
      "grep -E '^(SigBlk|SigIgn):' /proc/self/status; yes | head -n 1"]),
    expected: { code: 0, stdout: "SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\ny\n", stderr: "" },
  },
  {
    name: "masked and read-only paths of /proc and /sys",
    observe: async (e, B) => docker(e, ["run", "--rm", B, "sh", "-c", [
      "cat /proc/timer_list | wc -c",
      "cat /proc/keys | wc -c",
      "echo $(ls -A /sys/firmware) $(ls -A /proc/acpi) | wc -w",
      "[ -e /proc/kcore ] && wc -c < /proc/kcore || echo 0",
      "(echo 1 > /proc/sys/vm/drop_caches) 2>/dev/null && echo proc-sys-rw || echo proc-sys-ro",
      "(echo b > /proc/sysrq-trigger) 2>/dev/null && echo sysrq-rw || echo sysrq-ro",
      "touch /sys/kernel/x 2>/dev/null && echo sys-rw || echo sys-ro",
      "touch /x && echo root-rw",
    ].join("; ")]),
    expected: { code: 0, stdout: "0\n0\n0\n0\nproc-sys-ro\nsysrq-ro\nsys-ro\nroot-rw\n", stderr: "" },
  },
  {
    name: "read-only root filesystem, with a writable tmpfs",
    observe: async (e, B) => docker(e, ["run", "--rm", "--read-only", "--tmpfs", "/scratch", B, "sh", "-c",
      "touch /x 2>&1 | grep -o 'Read-only file system'; touch /scratch/x && echo tmpfs-rw"]),
    expected: { code: 0, stdout: "Read-only file system\ntmpfs-rw\n", stderr: "" },
  },
  {
    name: "--init: docker-init is pid 1 and the command its child",
    observe: async (e, B) => docker(e, ["run", "--rm", "--init", B, "sh", "-c",
      "tr '\\0' ' ' < /proc/1/cmdline; echo; [ $$ != 1 ] && echo child; exit 4"]),
    expected: { code: 4, stdout: "/sbin/docker-init -- sh -c tr '\\0' ' ' < /proc/1/cmdline; echo; [ $$ != 1 ] && echo child; exit 4 \nchild\n",
      stderr: "" },
  },
  {
    name: "volumes and bind mounts: shared data, read-only binds",
    observe: async (e, B) => {
      const host = `${e.dir}/bind-src`;
      await run("mkdir", ["-p", host]);
      await run("sh", ["-c", `echo from-host > ${host}/f`]);
      const write = await docker(e, ["run", "--rm", "-v", "confvol:/data", B, "sh", "-c", "echo kept > /data/f"]);
      const read = await docker(e, ["run", "--rm", "-v", "confvol:/data:ro", "-v", `${host}:/h:ro`, B, "sh", "-c",
        "cat /data/f /h/f; touch /h/x 2>&1 | grep -o 'Read-only file system'"]);
      await e.docker(["volume", "rm", "confvol"]);
      return { write, read };
    },
    expected: { write: { code: 0, stdout: "", stderr: "" },
      read: { code: 0, stdout: "kept\nfrom-host\nRead-only file system\n", stderr: "" } },
  },
  {
    name: "networks none and host, ulimits",
    observe: async (e, B) => ({
      none: await docker(e, ["run", "--rm", "--network", "none", B, "sh", "-c", "ip -o link | cut -d: -f2"]),
      host: (await docker(e, ["run", "--rm", "--network", "host", B, "readlink", "/proc/self/ns/net"])).stdout.trim() ===
        readlinkSync("/proc/self/ns/net"),
      ulimit: await docker(e, ["run", "--rm", "--ulimit", "nofile=100:200", B, "sh", "-c", "ulimit -n; ulimit -Hn"]),
    }),
    expected: { none: { code: 0, stdout: " lo\n", stderr: "" }, host: true,
      ulimit: { code: 0, stdout: "100\n200\n", stderr: "" } },
  },
  {
    name: "--privileged: all the capabilities the engine holds, no seccomp filter",
    observe: async (e, B) => docker(e, ["run", "--rm", "--privileged", B, "grep", "-E", "^(CapEff|Seccomp):",
      "/proc/self/status"]),
    expected: { code: 0, stdout: `CapEff:\t${/^CapBnd:\s*(\S+)/m.exec(readFileSync("/proc/self/status", "utf8"))?.[1]}\n` +
      "Seccomp:\t0\n", stderr: "" },
  },
  {
    name: "exec: joins the running container (namespaces, cgroup, security), with its own exit code",
    observe: async (e, B) => {
      await runReady(e, ["--name", "ex", "--hostname", "box", "-e", "FOO=bar", "--pids-limit", "20", B, "sh", "-c",
        "echo ready; while true; do sleep 0.1; done"]);
      const inside = await docker(e, ["exec", "ex", "sh", "-c", "hostname; echo $FOO; tr '\\0' ' ' < /proc/1/cmdline; " +
        `echo; cat ${hybridOrV1 ? "/sys/fs/cgroup/pids/pids.max" : "/sys/fs/cgroup/pids.max"}; exit 5`]);
      const status = await docker(e, ["exec", "-u", "nobody", "ex", "grep", "-E",
        "^(Uid|CapEff|NoNewPrivs|Seccomp):", "/proc/self/status"]);
      const stdin = await docker(e, ["exec", "-i", "ex", "cat"], "piped\n");
      const missing = await docker(e, ["exec", "ex", "nosuchcmd"]);
      await e.docker(["rm", "-f", "ex"]);
      return { inside, status,
        stdin, missing: { code: missing.code, message: /exec: "nosuchcmd": executable file not found in \$PATH/.test(
          missing.stdout + missing.stderr) } };
    },
    expected: {
      inside: { code: 5, stdout: "box\nbar\nsh -c echo ready; while true; do sleep 0.1; done \n20\n", stderr: "" },
      status: { code: 0, stderr: "",
        stdout: "Uid:\t65534\t65534\t65534\t65534\nCapEff:\t0000000000000000\nNoNewPrivs:\t0\nSeccomp:\t2\n" },
      stdin: { code: 0, stdout: "piped\n", stderr: "" },
      missing: { code: 127, message: true },
    },
  },
  {
    name: "kill and stop: signals reach init, exit codes as Docker's",
    observe: async (e, B) => {
      await e.docker(["run", "-d", "--name", "k9", B, "sleep", "600"]);
      const killed = await docker(e, ["kill", "-s", "KILL", "k9"]);
      const k9 = (await e.docker(["wait", "k9"])).stdout.trim();
      // a handled signal ends it with the trap's code; an unhandled TERM is ignored by pid 1, so stop kills it
      await runReady(e, ["--name", "usr1", B, "sh", "-c", "trap 'exit 42' USR1; echo ready; while true; do sleep 0.1; done"]);
      await e.docker(["kill", "-s", "USR1", "usr1"]);
      const usr1 = (await e.docker(["wait", "usr1"])).stdout.trim();
      await runReady(e, ["--name", "polite", B, "sh", "-c", "trap 'exit 143' TERM; echo ready; while true; do sleep 0.1; done"]);
      const polite = await docker(e, ["stop", "-t", "30", "polite"]);
      await runReady(e, ["--name", "stubborn", B, "sh", "-c", "echo ready; while true; do sleep 0.1; done"]);
      const stubborn = await docker(e, ["stop", "-t", "1", "stubborn"]);
      const codes = await Promise.all(["polite", "stubborn"].map((n) => inspect(e, "{{.State.ExitCode}}", n)));
      const notRunning = await docker(e, ["kill", "k9"]);
      await e.docker(["rm", "k9", "usr1", "polite", "stubborn"]);
      return { killed: killed.code, k9, usr1, stops: [polite.code, stubborn.code], codes,
        notRunning: { code: notRunning.code, error: daemonError(notRunning.stderr).replace(/[0-9a-f]{64}/, "ID") } };
    },
    expected: { killed: 0, k9: "137", usr1: "42", stops: [0, 0], codes: ["143", "137"],
      notRunning: { code: 1, error: expect.stringContaining("is not running") } },
  },
  {
    name: "logs: each stream in order, tail, timestamps",
    observe: async (e, B) => {
      // (the order between stdout and stderr is the order the shim reads two pipes in, as under Docker: not compared)
      const id = (await e.docker(["run", "-d", B, "sh", "-c", "echo one; echo two >&2; echo three"])).stdout.trim();
      const lines = (await e.docker(["run", "-d", B, "sh", "-c", "echo a; echo b; echo c"])).stdout.trim();
      await e.docker(["wait", id, lines]);
      const all = await docker(e, ["logs", id]);
      const tail = await docker(e, ["logs", "--tail", "2", lines]);
      const stamped = (await e.docker(["logs", "-t", lines])).stdout
        .split("\n").filter(Boolean).every((l) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z /.test(l));
      await e.docker(["rm", id, lines]);
      return { all, tail, stamped };
    },
    expected: {
      all: { code: 0, stdout: "one\nthree\n", stderr: "two\n" },
      tail: { code: 0, stdout: "b\nc\n", stderr: "" },
      stamped: true,
    },
  },
  {
    name: "pause and unpause (freezer), stats of the container's cgroup",
    observe: async (e, B) => {
      const id = await runReady(e, ["-m", "64m", B, "sh", "-c", "echo ready; while true; do sleep 0.1; done"]);
      const paused = await docker(e, ["pause", id]);
      const whilePaused = await inspect(e, "{{.State.Status}}", id);
      const unpaused = await docker(e, ["unpause", id]);
      const stats = (await e.docker(["stats", "--no-stream", "--format", "{{.MemUsage}}", id])).stdout.trim();
      await e.docker(["rm", "-f", id]);
      return { paused: paused.code, whilePaused, unpaused: unpaused.code, limit: stats.split(" / ")[1] };
    },
    expected: { paused: 0, whilePaused: "paused", unpaused: 0, limit: "64MiB" },
  },
  {
    name: "restart of a stopped container, and its cgroup gone after rm",
    observe: async (e, B) => {
      const id = (await e.docker(["run", "-d", B, "sh", "-c", "echo run; exit 5"])).stdout.trim();
      const first = (await e.docker(["wait", id])).stdout.trim();
      await e.docker(["start", id]);
      const second = (await e.docker(["wait", id])).stdout.trim();
      const logs = (await e.docker(["logs", id])).stdout;
      await e.docker(["rm", id]);
      const cgroup = new Layout(e.dataRoot).cgroupPath(id);
      const left = existsSync(`/sys/fs/cgroup/memory${cgroup}`) || existsSync(`/sys/fs/cgroup/pids${cgroup}`) ||
        existsSync(`/sys/fs/cgroup${cgroup}`);
      return { first, second, logs, left };
    },
    expected: { first: "5", second: "5", logs: "run\nrun\n", left: false },
  },
  {
    // last: it kills the engines
    name: "kill -9 of hakod: running containers re-adopted, an exit meanwhile recorded",
    observe: async (e, B) => {
      const sleeper = (await e.docker(["run", "-d", "--name", "sleeper", B, "sleep", "600"])).stdout.trim();
      const ticker = await runReady(e, ["--name", "ticker", B, "sh", "-c",
        "echo ready; i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"]);
      const victim = (await e.docker(["run", "-d", "--name", "victim", B, "sleep", "600"])).stdout.trim();
      const pid = await inspect(e, "{{.State.Pid}}", sleeper);
      const victimPid = Number(await inspect(e, "{{.State.Pid}}", victim));
      await e.kill9();
      process.kill(victimPid, "SIGKILL"); // ends while no engine runs
      await e.restart();
      const sleeperState = (await inspect(e, "{{.State.Running}} {{.State.Pid}}", sleeper)) === `true ${pid}`;
      const victimExit = (await e.docker(["wait", victim])).stdout.trim();
      // the re-adopted container's output keeps flowing into its log
      const before = (await e.docker(["logs", ticker])).stdout.split("\n").length;
      const follow = spawnDocker(e, ["logs", "-f", "--tail", "0", ticker]);
      await follow.waitFor("tick").finally(() => follow.stop());
      const after = (await e.docker(["logs", ticker])).stdout.split("\n").length;
      const waited = e.docker(["wait", sleeper]);
      const killed = (await e.docker(["kill", "-s", "KILL", sleeper])).code;
      const sleeperExit = (await waited).stdout.trim();
      const stop = (await e.docker(["stop", "-t", "1", ticker])).code;
      const tickerExit = await inspect(e, "{{.State.ExitCode}}", ticker);
      const rm = (await e.docker(["rm", sleeper, ticker, victim])).code;
      return { sleeperState, victimExit, flowing: after > before, killed, sleeperExit, stop, tickerExit, rm };
    },
    expected: { sleeperState: true, victimExit: "137", flowing: true, killed: 0, sleeperExit: "137", stop: 0,
      tickerExit: "137", rm: 0 },
  },
  {
    name: "--device: the host's node at the container's path, usable within its permissions; a bad one refused",
    observe: async (e, B) => ({
      mapped: await docker(e, ["run", "--rm", "--device", "/dev/null:/dev/mynull", "--device", "/dev/kmsg:/dev/k:r", B,
        "sh", "-c", 'stat -c "%n %F %t:%T %a" /dev/mynull /dev/k; echo hi >/dev/mynull && echo wrote; echo x >/dev/k']),
      missing: await docker(e, ["run", "--rm", "--device", "/dev/nope", B, "true"])
        .then((r) => ({ code: r.code, error: daemonError(r.stderr) })),
      notDevice: await docker(e, ["run", "--rm", "--device", "/etc/hostname", B, "true"])
        .then((r) => ({ code: r.code, error: daemonError(r.stderr) })),
    }),
    expected: {
      mapped: {
        code: 1,
        stdout: "/dev/mynull character special file 1:3 666\n/dev/k character special file 1:b 644\nwrote\n",
        stderr: "sh: line 0: can't create /dev/k: Operation not permitted\n",
      },
      missing: { code: 127,
        error: 'error gathering device information while adding custom device "/dev/nope": no such file or directory' },
      notDevice: { code: 125,
        error: 'error gathering device information while adding custom device "/etc/hostname": not a device node' },
    },
  },
  {
    name: "device cgroup: a node made inside cannot be opened; the standard ones can (with a tty: tty, console)",
    observe: async (e, B) => ({
      plain: await docker(e, ["run", "--rm", B, "sh", "-c", "mknod /tmp/k c 1 11 && echo made; echo x >/tmp/k; " +
        "for d in null zero full random urandom ptmx; do head -c 0 </dev/$d && echo $d; done; head -c 0 </dev/tty"]),
      tty: await docker(e, ["run", "--rm", "-t", B, "sh", "-c", "for d in tty console ptmx; do head -c 0 </dev/$d && echo $d; done"]),
    }),
    expected: {
      plain: {
        code: 1,
        stdout: "made\nnull\nzero\nfull\nrandom\nurandom\nptmx\n",
        stderr: "sh: line 0: can't create /tmp/k: Operation not permitted\n" +
          "sh: line 0: can't open /dev/tty: No such device or address\n",
      },
      tty: { code: 0, stdout: "tty\r\nconsole\r\nptmx\r\n", stderr: "" },
    },
  },
];

describe.skipIf(!isRoot || !RUNC)("executor conformance: hako-shim and runc behind the same engine", () => {
  const engines = {} as Record<RuntimeName, EngineHandle>;
  let B = "";

  beforeAll(async () => {
    await Promise.all(RUNTIME_NAMES.map(async (r) => {
      engines[r] = await startEngine({ runtime: r });
      B = await engines[r].loadBusybox();
    }));
  });
  afterAll(async () => {
    await Promise.all(RUNTIME_NAMES.map((r) => engines[r]?.cleanup()));
  });

  for (const s of SCENARIOS) {
    it(s.name, async () => {
      const [hako, runc] = await Promise.all(RUNTIME_NAMES.map((r) => s.observe(engines[r], B)));
      expect(hako, "hako-shim").toEqual(s.expected);
      expect(runc, "runc").toEqual(hako);
    });
  }

  it("says which runtime it runs, and keeps each container with the runtime it was created with", async () => {
    const info = await Promise.all(RUNTIME_NAMES.map(async (r) =>
      (await engines[r].docker(["info", "-f", "{{.DefaultRuntime}} {{range $k, $v := .Runtimes}}{{$k}}{{end}}"]))
        .stdout.trim()));
    expect(info).toEqual(["hako hakorunc", "runc hakorunc"]);

    // a container made and started under runc keeps running with runc after hakod restarts with hako-shim
    const e = engines.runc;
    const id = (await e.docker(["run", "-d", B, "sleep", "600"])).stdout.trim();
    const runcRoot = new Layout(e.dataRoot).runcRoot();
    const listed = async (): Promise<string> =>
      (await run(RUNC as string, ["--root", runcRoot, "list", "-q"])).stdout;
    expect(await listed()).toContain(id);
    expect(await inspect(e, "{{.HostConfig.Runtime}}", id)).toBe("runc");
    await e.kill9();
    await e.restart({ runtime: "hako" });
    expect(await inspect(e, "{{.State.Running}}", id)).toBe("true");
    expect((await e.docker(["stop", "-t", "1", id])).code).toBe(0);
    expect(await listed()).not.toContain(id); // the shim deleted it with runc
    expect((await e.docker(["start", id])).code).toBe(0);
    expect(await listed()).toContain(id); // started again with runc, not with hako-shim
    expect(await readFile(new Layout(e.dataRoot).runtimeFile(id), "utf8")).toBe("runc\n");
    expect(await inspect(e, "{{.HostConfig.Runtime}}", id)).toBe("runc");
    expect((await e.docker(["rm", "-f", id])).code).toBe(0);
    expect(await listed()).not.toContain(id);
  });

  it("creates a container with the runtime it names (docker run --runtime), shows it in inspect, refuses others", async () => {
    const e = engines.hako;
    const runcRoot = new Layout(e.dataRoot).runcRoot();
    const listed = async (): Promise<string> =>
      (await run(RUNC as string, ["--root", runcRoot, "list", "-q"])).stdout;
    const native = (await e.docker(["run", "-d", B, "sleep", "600"])).stdout.trim();
    const viaRunc = (await e.docker(["run", "-d", "--runtime", "runc", B, "sleep", "600"])).stdout.trim();
    expect(await inspect(e, "{{.HostConfig.Runtime}}", native)).toBe("hako");
    expect(await inspect(e, "{{.HostConfig.Runtime}}", viaRunc)).toBe("runc");
    const ids = await listed();
    expect(ids).toContain(viaRunc);
    expect(ids).not.toContain(native);
    const bad = await e.docker(["run", "--runtime", "nope", B, "true"]);
    expect(bad.code).toBe(125);
    expect(bad.stderr).toContain("Unknown runtime specified nope");
    expect((await e.docker(["ps", "-aq", "--no-trunc"])).stdout.trim().split("\n").sort()).toEqual([native, viaRunc].sort());
    expect((await e.docker(["rm", "-f", native, viaRunc])).code).toBe(0);
  });
});
