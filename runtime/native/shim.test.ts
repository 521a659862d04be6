/**
 * hako-shim, as hakod sees it (runtime/native/README.md): spawn it detached with an OCI bundle, read the handshake
 * line, speak the frame protocol on its abstract socket, read the log, pid and exit files. Real namespaces, real
 * cgroups, a real busybox rootfs; runs as root.
 */
import { execFileSync, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import {
  CGROUP_PARENT, Client, DOCKER_CAPS_MASK, MASKED_PATHS, SHAPE, SHIM, controllerDirs, create, extractRootfs,
  buildShim, isRoot, live, prepare, pureV2, readLog, rootfs, run, seq, shimArgs, useShimHarness, waitFor, work, alive,
  type Spec,
} from "./test/harness.js";

describe.skipIf(!isRoot)("hako-shim", () => {
  useShimHarness();

  it("runs echo hello: stdout frame, exit 0, a log record, the pid and exit files, the cgroup removed", async () => {
    const before = BigInt(Date.now()) * 1_000_000n;
    const { shim, exit, stdout } = await run(["echo", "hello"]);
    expect(stdout).toBe("hello\n");
    expect(exit).toMatchObject({ exitCode: 0, signal: 0, oomKilled: false });
    expect(exit.finishedAt).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z$/);
    expect(JSON.parse(fs.readFileSync(shim.files.exit, "utf8"))).toEqual(exit);
    expect(fs.readFileSync(shim.files.pid, "utf8")).toBe(`${shim.line.split(" ")[1]}\n`);
    const log = readLog(shim.files.log);
    expect(log.map((r) => [r.stream, r.data])).toEqual([[1, "hello\n"]]);
    expect(log[0]!.time).toBeGreaterThanOrEqual(before);
    expect(await shim.exited).toBe(0);
    for (const d of controllerDirs(shim.id)) expect(fs.existsSync(d), d).toBe(false);
  });

  it("relays stderr and the exit code", async () => {
    const { shim, exit, stdout, stderr } = await run(["sh", "-c", "echo oops >&2; exit 3"]);
    expect(stderr).toBe("oops\n");
    expect(stdout).toBe("");
    expect(exit).toMatchObject({ exitCode: 3, signal: 0 });
    expect(readLog(shim.files.log).map((r) => [r.stream, r.data])).toEqual([[2, "oops\n"]]);
  });

  it("gives the container its own pid namespace, hostname, cgroup namespace and loopback-only network", async () => {
    const { stdout } = await run([
      "sh", "-c", "echo $$; hostname; ls /sys/class/net; cat /sys/class/net/lo/flags; grep -E '^0::|memory' /proc/self/cgroup",
    ]);
    const [pid, host, links, loFlags, ...cgroups] = stdout.trim().split("\n");
    expect(pid).toBe("1");
    expect(host).toBe("box");
    expect(links).toBe("lo");
    expect(Number(loFlags) & 1).toBe(1); // IFF_UP
    for (const line of cgroups) expect(line).toMatch(/:\/$/);
  });

  it("puts init into the container's cgroup in every hierarchy, and the shim in none", async () => {
    const shim = await create(["sleep", "30"]);
    const pid = Number(shim.line.split(" ")[1]);
    const client = await Client.connect(shim.socket);
    client.start();
    const mine = fs.readFileSync(`/proc/${pid}/cgroup`, "utf8").trim().split("\n");
    for (const l of mine.filter((l) => /(memory|pids|cpu|devices|^0:)/.test(l) && !l.includes("name=")))
      expect(l.endsWith(`${CGROUP_PARENT}/${shim.id}`), l).toBe(true);
    const shimCgroups = fs.readFileSync(`/proc/${shim.proc.pid}/cgroup`, "utf8");
    expect(shimCgroups).not.toContain(shim.id);
    client.signal(9);
    expect((await client.exit()).exitCode).toBe(137);
  });

  it("refuses a missing executable with Docker's message and leaves nothing behind", async () => {
    const shim = await create(["nosuch", "arg"]);
    expect(shim.line).toBe('error exec: "nosuch": executable file not found in $PATH');
    expect(await shim.exited).toBe(1);
    for (const f of Object.values(shim.files)) expect(fs.existsSync(f), f).toBe(false);
    for (const d of controllerDirs(shim.id)) expect(fs.existsSync(d), d).toBe(false);
    await expect(Client.connect(shim.socket)).rejects.toThrow();
  });

  it("refuses a path that does not exist", async () => {
    const shim = await create(["/bin/nosuch"]);
    expect(shim.line).toBe('error exec: "/bin/nosuch": stat /bin/nosuch: no such file or directory');
  });

  it("shows the memory limit inside and enforces it: a process past it is OOM-killed (137)", async () => {
    const limited = (s: Spec) => {
      s.linux.resources.memory = { limit: 32 * 1024 * 1024, swap: 32 * 1024 * 1024 };
    };
    const file = pureV2 ? "/sys/fs/cgroup/memory.max" : "/sys/fs/cgroup/memory/memory.limit_in_bytes";
    const seen = await run(["cat", file], { edit: limited });
    expect(seen.stdout.trim()).toBe(String(32 * 1024 * 1024));

    const { exit, stdout } = await run(
      ["sh", "-c", 'x=$(head -c 80000000 /dev/zero | tr "\\0" a); echo survived'],
      { edit: limited },
    );
    expect(stdout).not.toContain("survived");
    expect(exit).toMatchObject({ exitCode: 137, signal: 9, oomKilled: true });
  });

  it("enforces the pids limit", async () => {
    const { stdout } = await run(["sh", "-c", "for i in $(seq 1 30); do sleep 5 & done 2>&1; echo done"], {
      edit: (s) => (s.linux.resources.pids = { limit: 8 }),
    });
    expect(stdout).toMatch(/can't fork|Resource temporarily unavailable/);
  });

  it("drops capabilities to Docker's default set and sets no_new_privs", async () => {
    const { stdout } = await run(["sh", "-c", "grep -E '^(CapEff|CapBnd|CapPrm|NoNewPrivs)' /proc/self/status"]);
    expect(stdout).toContain(`CapEff:\t${DOCKER_CAPS_MASK}`);
    expect(stdout).toContain(`CapBnd:\t${DOCKER_CAPS_MASK}`);
    expect(stdout).toContain(`CapPrm:\t${DOCKER_CAPS_MASK}`);
    expect(stdout).toContain("NoNewPrivs:\t1");
    const mount = await run(["sh", "-c", "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m"]);
    expect(mount.exit.exitCode).not.toBe(0);
  });

  it("switches to the spec's user and groups, with no capabilities left for a non-root user", async () => {
    const { stdout } = await run(["sh", "-c", "id -u; id -g; id -G; grep CapEff /proc/self/status"], {
      edit: (s) => (s.process.user = { uid: 1000, gid: 1000, additionalGids: [10, 20] }),
    });
    expect(stdout.split("\n").slice(0, 3)).toEqual(["1000", "1000", "1000 10 20"]);
    expect(stdout).toContain("CapEff:\t0000000000000000");
  });

  it("clamps an rlimit above the hard limit and says so on the shim's stderr", async () => {
    const { shim, stdout } = await run(["sh", "-c", "ulimit -n"]);
    const hard = Number(execFileSync("sh", ["-c", "ulimit -Hn"]).toString().trim());
    expect(Number(stdout.trim())).toBeLessThanOrEqual(hard);
    if (hard < 1048576) expect(shim.stderr()).toMatch(/RLIMIT_NOFILE 1048576:1048576 clamped to/);
  });

  it("masks /proc/kcore and friends, makes /proc/sys and /sys read-only, gives a minimal /dev", async () => {
    // what this kernel has of Docker's masked paths (/proc/kcore only exists with CONFIG_PROC_KCORE)
    const present = MASKED_PATHS.filter((p) => fs.existsSync(p));
    const check = present
      .map((p) => (fs.statSync(p).isDirectory() ? `echo ${p} $(ls -A ${p} | wc -l)` : `echo ${p} $(wc -c < ${p})`))
      .join("; ");
    const { stdout } = await run([
      "sh", "-c",
      `${check}; echo 1 > /proc/sys/vm/drop_caches && echo proc-sys-writable; touch /sys/x && echo sysfs-writable; ` +
        "ls /dev | tr '\\n' ' '; echo; readlink /dev/ptmx; echo hi > /dev/null && head -c 4 /dev/urandom | wc -c",
    ]);
    const lines = stdout.split("\n");
    expect(present.length).toBeGreaterThan(0);
    expect(lines.slice(0, present.length)).toEqual(present.map((p) => `${p} 0`));
    expect(stdout).not.toContain("writable");
    const dev = lines[present.length]!.split(" ");
    for (const d of ["null", "zero", "full", "random", "urandom", "tty", "ptmx", "pts", "shm", "mqueue", "fd", "stdin", "stdout", "stderr"])
      expect(dev, d).toContain(d);
    expect(lines.slice(present.length + 1, present.length + 3)).toEqual(["pts/ptmx", "4"]);
  });

  it("keeps the root read-only when the spec says so", async () => {
    const { stdout, exit } = await run(["sh", "-c", "touch /x 2>&1; echo tmp > /dev/shm/ok && cat /dev/shm/ok"], {
      edit: (s) => (s.root.readonly = true),
    });
    expect(stdout).toMatch(/Read-only file system/);
    expect(stdout).toContain("tmp\n");
    expect(exit.exitCode).toBe(0);
  });

  it("delivers signal frames: SIGKILL gives 137, SIGTERM ends a trapping shell with 143", async () => {
    const killed = await create(["sleep", "100"]);
    const c1 = await Client.connect(killed.socket);
    c1.start();
    await new Promise((r) => setTimeout(r, 100));
    c1.signal(15); // init without a handler ignores SIGTERM, as Docker's containers do
    await new Promise((r) => setTimeout(r, 300));
    expect(alive(Number(killed.line.split(" ")[1]))).toBe(true);
    c1.signal(9);
    expect(await c1.exit()).toMatchObject({ exitCode: 137, signal: 9 });

    const trapping = await create(["sh", "-c", "trap 'exit 143' TERM; echo trapped; sleep 100 & wait"]);
    const c2 = await Client.connect(trapping.socket);
    c2.start();
    await c2.until(() => c2.output(1).includes("trapped"), "the trap");
    c2.signal(15);
    expect(await c2.exit()).toMatchObject({ exitCode: 143, signal: 0 });
  });

  it("feeds stdin frames to the container with --stdin, and closes it on request", async () => {
    const shim = await create(["cat"], { stdin: true });
    const client = await Client.connect(shim.socket);
    client.start();
    client.send(0, Buffer.from("hello stdin\n"));
    await client.until(() => client.output(1) === "hello stdin\n", "the echo of stdin");
    client.send(0, Buffer.from("more"));
    client.send(4);
    expect(await client.exit()).toMatchObject({ exitCode: 0 });
    expect(client.output(1)).toBe("hello stdin\nmore");
  });

  it("gives stdin /dev/null without --stdin", async () => {
    const { stdout, exit } = await run(["sh", "-c", "cat; readlink /proc/self/fd/0"]);
    expect(exit.exitCode).toBe(0);
    expect(stdout).toBe("/dev/null\n");
  });

  it("gives a pty from the container's devpts with --tty, sized by resize frames", async () => {
    const shim = await create(["sh", "-c", "tty; stty size"], { tty: true });
    const client = await Client.connect(shim.socket);
    client.resize(30, 100);
    client.start();
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1)).toBe("/dev/pts/0\r\n30 100\r\n");
    expect(client.output(2)).toBe("");
  });

  it("with --tty and --stdin, typed input reaches the program through the terminal", async () => {
    const shim = await create(["sh", "-c", "read line; echo got $line"], { tty: true, stdin: true });
    const client = await Client.connect(shim.socket);
    client.start();
    client.send(0, Buffer.from("hi there\n"));
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1)).toBe("hi there\r\ngot hi there\r\n"); // the terminal echoes, then the program
  });

  it("relays output to every client and survives a client that goes away abruptly", async () => {
    const shim = await create(["sh", "-c", "i=0; while [ $i -lt 20 ]; do echo line $i; i=$((i+1)); sleep 0.02; done"]);
    const watcher = await Client.connect(shim.socket);
    const rude = await Client.connect(shim.socket);
    watcher.start();
    await watcher.until(() => watcher.output(1).includes("line 3"), "some output");
    rude.sock.destroy(); // no goodbye: the socket just goes away
    expect(await watcher.exit()).toMatchObject({ exitCode: 0 });
    expect(watcher.output(1).split("\n").filter(Boolean)).toHaveLength(20);
    expect(readLog(shim.files.log).map((r) => r.data).join("")).toBe(watcher.output(1));
  });

  it("sends output only to connections that want it (frame 8), switchable while the container runs", async () => {
    const shim = await create(["sh", "-c", "echo one; read x; echo two; read y; echo three >&2"], { stdin: true });
    const quiet = await Client.connect(shim.socket);
    const loud = await Client.connect(shim.socket);
    quiet.send(8, Buffer.from([0]));
    loud.start();
    await loud.until(() => loud.output(1) === "one\n", "the first line");
    // frames on one connection are handled in order: the stdin that makes the next line follows the switch
    quiet.send(8, Buffer.from([3])); // on, and patient
    quiet.send(0, Buffer.from("go\n"));
    await quiet.until(() => quiet.output(1) === "two\n", "the second line on the connection that turned output on");
    quiet.send(8, Buffer.from([0]));
    quiet.send(0, Buffer.from("go\n"));
    expect(await quiet.exit()).toMatchObject({ exitCode: 0 }); // the exit frame still comes
    expect(quiet.output(1)).toBe("two\n");
    expect(quiet.output(2)).toBe("");
    await loud.exit();
    expect([loud.output(1), loud.output(2)]).toEqual(["one\ntwo\n", "three\n"]);
    expect(readLog(shim.files.log).map((r) => r.data).join("")).toBe("one\ntwo\nthree\n"); // the log has it all
  });

  it("writes output straight to a connection handed over (frame 9), the streams asked for, all of it before the exit",
    async () => {
      // a connection of this process's, as a hijacked `docker attach` is hakod's: the shim writes to `ours`, the
      // client reads `theirs`
      const server = net.createServer();
      await new Promise<void>((r) => server.listen({ path: `\0hako-sink-test-${process.pid}` }, r));
      const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
      const theirs = net.connect({ path: `\0hako-sink-test-${process.pid}` });
      const ours = await accepted;
      server.close();
      const got: Buffer[] = [];
      theirs.on("data", (d: Buffer) => got.push(d));
      const fd = (ours as unknown as { _handle: { fd: number } })._handle.fd;
      const sinkFrame = (fdNumber: number, ino: number, streams: number) => {
        const b = Buffer.alloc(20);
        b[1] = streams;
        b.writeUInt32BE(process.pid, 4);
        b.writeUInt32BE(fdNumber, 8);
        b.writeBigUInt64BE(BigInt(ino), 12);
        return b;
      };
      const shim = await create(["sh", "-c", "echo out; echo err >&2; head -c 300000 /dev/zero | tr '\\0' x; echo"]);
      const control = await Client.connect(shim.socket);
      control.send(8, Buffer.from([0])); // nothing for the control connection itself
      control.send(9, sinkFrame(fd, 12345, 3)); // a wrong inode: refused, and output turns on here instead
      control.send(9, sinkFrame(fd, fs.fstatSync(fd).ino, 1)); // stdout only
      control.start();
      expect(await control.exit()).toMatchObject({ exitCode: 0 });
      const answers = control.frames.filter((f) => f.type === 9).map((f) => [f.payload[0], Number(f.payload.readBigUInt64BE(1))]);
      expect(answers).toEqual([[1, 12345], [0, fs.fstatSync(fd).ino]]);
      expect(control.output(2)).toBe("err\n"); // relayed after the refusal
      // the exit frame came after the sink had everything: ending the connection now loses nothing
      const ended = new Promise((r) => theirs.once("end", r));
      ours.end();
      await ended;
      const stream = Buffer.concat(got); // Docker's multiplexed frames, of stdout only
      const frames: string[] = [];
      for (let off = 0; off < stream.length; off += 8 + stream.readUInt32BE(off + 4)) {
        expect(stream[off]).toBe(1);
        frames.push(stream.subarray(off + 8, off + 8 + stream.readUInt32BE(off + 4)).toString());
      }
      expect(frames.join("")).toBe(`out\n${"x".repeat(300000)}\n`);
      theirs.destroy();
    });

  it("keeps serving every client when one drops a sink (frame 10) and sends a bad frame in the same write", async () => {
    // the sink sits below the dropping client, which is the last one: dropping moves clients between slots while
    // the shim is still reading the dropping client
    const server = net.createServer();
    await new Promise<void>((r) => server.listen({ path: `\0hako-sink-drop-test-${process.pid}` }, r));
    const accepted = new Promise<net.Socket>((r) => server.once("connection", r));
    const theirs = net.connect({ path: `\0hako-sink-drop-test-${process.pid}` });
    const ours = await accepted;
    server.close();
    const got: Buffer[] = [];
    theirs.on("data", (d: Buffer) => got.push(d));
    const fd = (ours as unknown as { _handle: { fd: number } })._handle.fd;
    const id = Buffer.alloc(8);
    id.writeBigUInt64BE(BigInt(fs.fstatSync(fd).ino));
    const sink = Buffer.alloc(20);
    sink[1] = 3;
    sink.writeUInt32BE(process.pid, 4);
    sink.writeUInt32BE(fd, 8);
    id.copy(sink, 12);
    const shim = await create(["sh", "-c", "read x; echo after $x"], { stdin: true });
    const control = await Client.connect(shim.socket);
    control.send(9, sink);
    await control.until(() => control.frames.some((f) => f.type === 9), "the sink's answer");
    expect(control.frames.find((f) => f.type === 9)!.payload[0]).toBe(0); // taken
    const bystander = await Client.connect(shim.socket);
    const dropper = await Client.connect(shim.socket);
    const dropped = new Promise((r) => dropper.sock.once("close", r));
    const drop = Buffer.concat([Buffer.from([10, 0, 0, 0, 0, 0, 0, 8]), id]);
    const oversized = Buffer.from([0, 0, 0, 0, 0xff, 0xff, 0xff, 0xff]); // a frame header past the limit: refused
    dropper.sock.write(Buffer.concat([drop, oversized]));
    await dropped;
    control.start();
    control.send(0, Buffer.from("go\n"));
    expect(await bystander.exit()).toMatchObject({ exitCode: 0 });
    expect(bystander.output(1)).toBe("after go\n");
    expect(await control.exit()).toMatchObject({ exitCode: 0 });
    expect(control.output(1)).toBe("after go\n");
    expect(got).toEqual([]); // the sink was dropped before any output
    ours.destroy();
    theirs.destroy();
  });

  it("survives the death (kill -9) of the process that spawned it, and the container finishes normally", async () => {
    const { id, dir, socket } = prepare(["sh", "-c", "sleep 1; echo finished"]);
    const args = JSON.stringify(shimArgs(dir, id, socket, []));
    // a stand-in for hakod: spawns the shim as hakod does, starts the container, reports, then is killed
    const spawner = `
      const { spawn } = require("node:child_process"); const net = require("node:net");
      const p = spawn(${JSON.stringify(SHIM)}, ${args}, { detached: true, stdio: ["ignore", "pipe", "ignore"] });
      p.stdout.once("data", (d) => {
        const s = net.connect({ path: "\\0" + ${JSON.stringify(socket)} }, () => {
          s.write(Buffer.from([6, 0, 0, 0, 0, 0, 0, 0]));
          process.stdout.write(p.pid + " " + d.toString());
        });
      });`;
    const hakod = spawn(process.execPath, ["-e", spawner], { stdio: ["ignore", "pipe", "inherit"] });
    const report = await new Promise<string>((resolve) => hakod.stdout!.once("data", (d: Buffer) => resolve(d.toString())));
    const [shimPid, ready] = [Number(report.split(" ")[0]), report.slice(report.indexOf(" ") + 1).trim()];
    expect(ready).toMatch(/^ready \d+$/);
    live.push({ id, dir, socket, proc: { pid: shimPid, kill: () => process.kill(shimPid, "SIGKILL") } as never,
      line: ready, stderr: () => "", exited: Promise.resolve(null),
      files: { log: path.join(dir, "log"), exit: path.join(dir, "exit.json"), pid: path.join(dir, "init.pid") } });
    hakod.kill("SIGKILL");
    await new Promise((r) => hakod.once("exit", r));
    expect(alive(shimPid)).toBe(true);

    await waitFor(() => fs.existsSync(path.join(dir, "exit.json")), "the exit file");
    expect(JSON.parse(fs.readFileSync(path.join(dir, "exit.json"), "utf8"))).toMatchObject({ exitCode: 0, signal: 0 });
    expect(readLog(path.join(dir, "log")).map((r) => r.data)).toEqual(["finished\n"]);
    await waitFor(() => !alive(shimPid), "the shim to exit");
  });

  it("reports an execve that fails after start as stderr output and exit 126", async () => {
    fs.writeFileSync(path.join(rootfs, "not-a-program"), "neither ELF nor a script\n", { mode: 0o755 });
    const { exit, stderr } = await run(["/not-a-program"]);
    expect(stderr).toMatch(/^exec: "\/not-a-program": Exec format error\n$/);
    expect(exit).toMatchObject({ exitCode: 126, signal: 0 });
  });

  it("joins an existing network namespace given by path", async () => {
    const first = await create(["sleep", "30"]);
    const firstPid = Number(first.line.split(" ")[1]);
    const c1 = await Client.connect(first.socket);
    c1.start();
    const { stdout, exit } = await run(["readlink", "/proc/self/ns/net"], {
      edit: (s) => {
        s.linux.namespaces = s.linux.namespaces.map((n: { type: string }) =>
          n.type === "network" ? { type: "network", path: `/proc/${firstPid}/ns/net` } : n,
        );
      },
    });
    expect(exit.exitCode).toBe(0);
    expect(stdout.trim()).toBe(fs.readlinkSync(`/proc/${firstPid}/ns/net`));
    expect(stdout.trim()).not.toBe(fs.readlinkSync("/proc/self/ns/net"));
    c1.signal(9);
    await c1.exit();
  });

  it("refuses a mount destination that leads out of the root through a symlink", async () => {
    const root = path.join(work, `escape-root-${seq}`);
    extractRootfs(root);
    const outside = fs.mkdtempSync(path.join(os.tmpdir(), "hako-escape-target-"));
    try {
      fs.symlinkSync(`../../../../../../../../../..${outside}`, path.join(root, "escape"));
      const shim = await create(["true"], {
        root,
        edit: (s) => s.mounts.push({ destination: "/escape/inner", type: "tmpfs", source: "tmpfs", options: [] }),
      });
      expect(shim.line).toMatch(/^error .*`\/escape\/inner` leads outside the container's root/);
      expect(await shim.exited).toBe(1);
      expect(fs.readdirSync(outside)).toEqual([]);
    } finally {
      fs.rmSync(outside, { recursive: true, force: true });
    }
  });

  it("resolves an absolute symlink in the root inside the root, as the container sees it", async () => {
    const root = path.join(work, `abs-root-${seq}`);
    extractRootfs(root);
    const hostDir = fs.mkdtempSync(path.join(os.tmpdir(), "hako-abs-target-"));
    try {
      fs.symlinkSync(hostDir, path.join(root, "abs"));
      const { stdout, exit } = await run(["sh", "-c", "grep -c \" $(readlink /abs)/sub tmpfs\" /proc/mounts"], {
        root,
        edit: (s) => s.mounts.push({ destination: "/abs/sub", type: "tmpfs", source: "tmpfs", options: [] }),
      });
      expect(exit.exitCode).toBe(0);
      expect(stdout.trim()).toBe("1");
      expect(fs.readdirSync(hostDir)).toEqual([]); // the host's directory was never touched
      expect(fs.existsSync(path.join(root, hostDir, "sub"))).toBe(true);
    } finally {
      fs.rmSync(hostDir, { recursive: true, force: true });
    }
  });

  it("bind-mounts a host directory read-only", async () => {
    const vol = fs.mkdtempSync(path.join(work, "vol-"));
    fs.writeFileSync(path.join(vol, "data"), "from the host\n");
    const { stdout } = await run(["sh", "-c", "cat /data/data; touch /data/new 2>&1"], {
      edit: (s) => s.mounts.push({ destination: "/data", type: "bind", source: vol, options: ["rbind", "ro"] }),
    });
    expect(stdout).toMatch(/^from the host\n.*Read-only file system/s);
    expect(fs.existsSync(path.join(vol, "new"))).toBe(false);
  });

  it("rejects a malformed config.json with a clear error", async () => {
    const { id, dir, socket } = prepare(["true"]);
    fs.writeFileSync(path.join(dir, "config.json"), '{"process": {"args": ["true"]}, "root": ');
    const proc = spawn(SHIM, shimArgs(dir, id, socket, []), { stdio: ["ignore", "pipe", "ignore"] });
    const out = await new Promise<string>((r) => {
      let s = "";
      proc.stdout!.on("data", (d: Buffer) => (s += d));
      proc.on("close", () => r(s));
    });
    expect(out).toMatch(/^error config.json|^error invalid JSON/);
  });
});

describe("cgroup v2 backend (a directory shaped like a cgroup2 tree, not a real one)", () => {
  it("delegates controllers and writes memory.max, memory.swap.max, cpu.weight, cpu.max, pids.max", () => {
    buildShim();
    const root = fs.mkdtempSync(path.join(os.tmpdir(), "hako-cgroup2-shape-"));
    try {
      const leaf = path.join(root, "hako", "c1");
      fs.mkdirSync(leaf, { recursive: true });
      for (const d of [root, path.join(root, "hako")]) {
        fs.writeFileSync(path.join(d, "cgroup.controllers"), "cpuset cpu io memory hugetlb pids\n");
        fs.writeFileSync(path.join(d, "cgroup.subtree_control"), "");
      }
      for (const f of ["memory.max", "memory.swap.max", "cpu.weight", "cpu.max", "pids.max"]) fs.writeFileSync(path.join(leaf, f), "");
      const read = (f: string) => fs.readFileSync(path.join(leaf, f), "utf8");
      const out = execFileSync(SHAPE, ["v2", root, "/hako/c1", "33554432", "67108864", "512", "50000", "100000", "100"]).toString();
      expect(out.trim()).toBe(leaf);
      expect(read("memory.max")).toBe("33554432");
      expect(read("memory.swap.max")).toBe("33554432"); // OCI swap is memory+swap; v2 wants the swap alone
      expect(read("cpu.weight")).toBe("20"); // runc: 1 + ((512 - 2) * 9999) / 262142
      expect(read("cpu.max")).toBe("50000 100000");
      expect(read("pids.max")).toBe("100");
      // every controller is enabled on its own; in this shaped tree (plain files) the last write stays
      expect(fs.readFileSync(path.join(root, "hako", "cgroup.subtree_control"), "utf8")).toBe("+pids");

      execFileSync(SHAPE, ["v2", root, "/hako/c1", "-1", "-", "-", "-", "-", "0"]);
      expect(read("memory.max")).toBe("max");
      expect(read("memory.swap.max")).toBe("max");
      expect(read("pids.max")).toBe("max");

      const bad = spawnSync(SHAPE, ["v2", root, "/hako/../etc", "-", "-", "-", "-", "-", "-"]);
      expect(bad.status).toBe(1);
      expect(bad.stdout.toString()).toMatch(/must not contain `\.\.`/);
    } finally {
      fs.rmSync(root, { recursive: true, force: true });
    }
  });
});
