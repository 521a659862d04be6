/**
 * `docker exec` and attach with detach keys, with the stock docker CLI (and raw API requests where the CLI hides the
 * behaviour) against a real hakod: real shim, namespaces, cgroups, seccomp. As root.
 */
import { connect } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, run, startEngine, type EngineHandle } from "./engine-harness.js";

interface ExecInspect {
  ID: string;
  Running: boolean;
  ExitCode: number | null;
  ContainerID: string;
  Pid: number;
  OpenStdin: boolean;
  ProcessConfig: { entrypoint: string; arguments: string[]; privileged: boolean; user: string; tty: boolean };
}

/**
 * A hijacked `POST path` with a JSON body, as the CLI sends it: resolves with the socket once the answer's head came
 * (and whatever followed it).
 */
function hijack(socketPath: string, path: string, body?: unknown):
  Promise<{ head: string; socket: ReturnType<typeof connect>; output: () => Buffer; closed: Promise<void> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath);
    const text = body === undefined ? "" : JSON.stringify(body);
    const type = body === undefined ? "" : `Content-Type: application/json\r\nContent-Length: ${Buffer.byteLength(text)}\r\n`;
    socket.write(`POST ${path} HTTP/1.1\r\nHost: hakod\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n${type}\r\n${text}`);
    let buf = Buffer.alloc(0);
    let head: string | null = null;
    const closed = new Promise<void>((r) => socket.once("close", () => r()));
    socket.on("error", reject);
    socket.on("data", (d: Buffer) => {
      buf = Buffer.concat([buf, d]);
      if (head !== null) return;
      const end = buf.indexOf("\r\n\r\n");
      if (end < 0) return;
      head = buf.subarray(0, end).toString();
      buf = buf.subarray(end + 4);
      resolve({ head, socket, output: () => buf, closed });
    });
  });
}

describe.skipIf(!isRoot)("docker exec and attach", () => {
  let engine: EngineHandle;
  let B: string;

  const execInspect = async (id: string): Promise<ExecInspect> => {
    const r = await engine.request("GET", `/exec/${id}/json`);
    expect(r.status).toBe(200);
    return r.json<ExecInspect>();
  };
  const createExec = async (container: string, config: Record<string, unknown>): Promise<string> => {
    const r = await engine.request("POST", `/containers/${container}/exec`,
      { body: JSON.stringify(config), headers: { "Content-Type": "application/json" } });
    expect(r.status, r.text).toBe(201);
    return r.json<{ Id: string }>().Id;
  };

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
    const r = await engine.docker(["run", "-d", "--name", "box", B, "sh", "-c",
      "echo made-by-init > /tmp/marker; mkdir -p /home/u && chown 1000:1000 /home/u; exec sleep 1000"]);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("runs a command in the running container and relays stdout, stderr and the exit code", async () => {
    expect(await engine.docker(["exec", "box", "echo", "inside"])).toMatchObject({ code: 0, stdout: "inside\n" });
    const r = await engine.docker(["exec", "box", "sh", "-c", "echo out; echo oops >&2; exit 5"]);
    expect(r).toMatchObject({ code: 5, stdout: "out\n", stderr: "oops\n" });
  });

  it("shows the exit code and process config in exec inspect", async () => {
    const id = await createExec("box", { Cmd: ["sh", "-c", "exit 3"], AttachStdout: true, User: "1000:1000" });
    const before = await execInspect(id);
    expect(before).toMatchObject({ ID: id, Running: false, ExitCode: null, Pid: 0,
      ProcessConfig: { entrypoint: "sh", arguments: ["-c", "exit 3"], user: "1000:1000", tty: false, privileged: false } });
    const containerId = (await engine.docker(["inspect", "-f", "{{.Id}}", "box"])).stdout.trim();
    expect(before.ContainerID).toBe(containerId);
    const start = await engine.request("POST", `/exec/${id}/start`,
      { body: JSON.stringify({ Detach: false }), headers: { "Content-Type": "application/json" } });
    expect(start.status).toBe(200);
    expect(await execInspect(id)).toMatchObject({ Running: false, ExitCode: 3 });
    expect(await execInspect(id).then((e) => e.Pid)).toBeGreaterThan(0);
    // an exec runs once
    const again = await engine.request("POST", `/exec/${id}/start`,
      { body: JSON.stringify({ Detach: true }), headers: { "Content-Type": "application/json" } });
    expect(again.status).toBe(409);
    expect(again.json()).toEqual({ message: `Error: Exec command ${id} has already run` });
  });

  it("runs as the user given with -u (uid:gid or a name from the container's /etc/passwd)", async () => {
    expect((await engine.docker(["exec", "-u", "1000:1000", "box", "id", "-u"])).stdout).toBe("1000\n");
    expect((await engine.docker(["exec", "-u", "1000:1000", "box", "id", "-G"])).stdout).toBe("1000\n");
    expect((await engine.docker(["exec", "-u", "nobody", "box", "sh", "-c", "id -un; echo $HOME"])).stdout)
      .toBe("nobody\n/home\n");
    const caps = await engine.docker(["exec", "-u", "1000", "box", "grep", "CapEff", "/proc/self/status"]);
    expect(caps.stdout).toBe("CapEff:\t0000000000000000\n");
    const bad = await engine.docker(["exec", "-u", "nosuch", "box", "true"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout + bad.stderr).toContain("unable to find user nosuch");
  });

  it("applies -w and -e over the container's working dir and environment", async () => {
    const r = await engine.docker(["exec", "-w", "/tmp", "-e", "FOO=bar", "-e", "PATH=/bin", "box", "sh", "-c",
      "pwd; echo $FOO; echo $PATH; echo $HOSTNAME"]);
    const hostname = (await engine.docker(["inspect", "-f", "{{.Config.Hostname}}", "box"])).stdout.trim();
    expect(r.stdout).toBe(`/tmp\nbar\n/bin\n${hostname}\n`);
    const missing = await engine.docker(["exec", "-w", "/nosuch", "box", "true"]);
    expect(missing.code).not.toBe(0);
  });

  it("sees the container's processes, files and hostname, and joins its cgroup", async () => {
    const r = await engine.docker(["exec", "box", "sh", "-c",
      "ps -o pid,args | grep -E '^ +1 '; cat /tmp/marker; hostname; cat /proc/self/cgroup | grep memory"]);
    const id = (await engine.docker(["inspect", "-f", "{{.Id}}", "box"])).stdout.trim();
    expect(r.stdout).toMatch(new RegExp(`^ +1 sleep 1000\nmade-by-init\n${id.slice(0, 12)}\n\\d+:memory:/\n$`));
  });

  it("keeps the container's capabilities and seccomp filter; --privileged grants all the engine holds", async () => {
    const plain = await engine.docker(["exec", "box", "grep", "-E", "^(CapEff|Seccomp):", "/proc/self/status"]);
    const init = await engine.docker(["exec", "box", "grep", "-E", "^(CapEff|Seccomp):", "/proc/1/status"]);
    expect(plain.stdout).toBe(init.stdout);
    expect(plain.stdout).toMatch(/Seccomp:\t2/);
    const priv = await engine.docker(["exec", "--privileged", "box", "grep", "CapEff", "/proc/self/status"]);
    expect(priv.stdout).not.toBe(plain.stdout.split("\n")[0]);
    const mount = await engine.docker(["exec", "box", "sh", "-c", "mkdir -p /tmp/m && mount -t tmpfs none /tmp/m"]);
    expect(mount.code).not.toBe(0);
  });

  it("reports a command that does not exist with Docker's words and exit code 127", async () => {
    const r = await engine.docker(["exec", "box", "nosuch"]);
    expect(r.code).toBe(127);
    expect(r.stdout + r.stderr).toContain('exec: "nosuch": executable file not found in $PATH');
  });

  it("feeds stdin with -i and gives a pty with -t; resize reaches the pty", async () => {
    const cat = await engine.docker(["exec", "-i", "box", "sh", "-c", "cat; echo done"], { input: "typed\n" });
    expect(cat.stdout).toBe("typed\ndone\n");
    const t = await engine.docker(["exec", "-t", "box", "tty"]);
    expect(t.stdout.replace(/\r/g, "")).toMatch(/^\/dev\/pts\/\d+\n$/);
    // the CLI under script(1): a real terminal, so -it with its size
    const typed = "echo $((6*7)); stty size; exit 4\n";
    const r = await run("script", ["-qec", "stty rows 33 cols 101; docker exec -it box sh", "/dev/null"], {
      env: { ...process.env, DOCKER_HOST: engine.host },
      input: typed,
      timeoutMs: 20_000,
    });
    const out = r.stdout.replace(/\r/g, "");
    expect(out).toContain("\n42\n");
    expect(out).toContain("\n33 101\n");
    expect(r.code).toBe(4);
  });

  it("runs detached with -d", async () => {
    expect((await engine.docker(["exec", "-d", "box", "sh", "-c", "echo detached > /tmp/d"])).code).toBe(0);
    let text = "";
    for (let i = 0; i < 50 && text === ""; i++) {
      text = (await engine.docker(["exec", "box", "cat", "/tmp/d"])).stdout;
      if (!text) await new Promise((r) => setTimeout(r, 100));
    }
    expect(text).toBe("detached\n");
  });

  it("refuses exec into a stopped or paused container (409), unknown containers and exec IDs (404)", async () => {
    await engine.docker(["run", "-d", "--name", "paused", B, "sleep", "1000"]);
    expect((await engine.docker(["pause", "paused"])).code).toBe(0);
    const id = (await engine.docker(["inspect", "-f", "{{.Id}}", "paused"])).stdout.trim();
    const p = await engine.request("POST", "/containers/paused/exec",
      { body: JSON.stringify({ Cmd: ["true"] }), headers: { "Content-Type": "application/json" } });
    expect([p.status, p.json()]).toEqual([409, { message: `Container ${id} is paused, unpause the container before exec` }]);
    await engine.docker(["rm", "-f", "paused"]);

    await engine.docker(["create", "--name", "stopped", B, "true"]);
    const sid = (await engine.docker(["inspect", "-f", "{{.Id}}", "stopped"])).stdout.trim();
    const s = await engine.docker(["exec", "stopped", "true"]);
    expect(s.code).not.toBe(0);
    expect(s.stderr).toContain(`Container ${sid} is not running`);
    const api = await engine.request("POST", "/containers/stopped/exec",
      { body: JSON.stringify({ Cmd: ["true"] }), headers: { "Content-Type": "application/json" } });
    expect(api.status).toBe(409);

    const none = await engine.docker(["exec", "nosuch", "true"]);
    expect(none.code).not.toBe(0);
    expect(none.stderr).toContain("No such container: nosuch");
    for (const [method, path] of [["GET", "/exec/x/json"], ["POST", "/exec/x/start"], ["POST", "/exec/x/resize?h=1&w=1"]]) {
      const r = await engine.request(method as string, path as string,
        method === "GET" ? {} : { body: "{}", headers: { "Content-Type": "application/json" } });
      expect([r.status, r.json()]).toEqual([404, { message: "No such exec instance: x" }]);
    }
    const empty = await engine.request("POST", "/containers/box/exec",
      { body: JSON.stringify({ Cmd: [] }), headers: { "Content-Type": "application/json" } });
    expect([empty.status, empty.json()]).toEqual([400, { message: "No exec command specified" }]);
  });

  it("detaches a tty exec on the detach keys (default and custom); the process runs on", async () => {
    for (const keys of ["", "ctrl-x,y"]) {
      const id = await createExec("box", { Cmd: ["sh"], AttachStdin: true, AttachStdout: true, Tty: true,
        DetachKeys: keys });
      const h = await hijack(engine.socket, `/exec/${id}/start`, { Detach: false, Tty: true });
      expect(h.head).toMatch(/^HTTP\/1.1 101 UPGRADED/);
      h.socket.write("echo $((40+2))\n");
      for (let i = 0; i < 50 && !h.output().toString().includes("42"); i++) await new Promise((r) => setTimeout(r, 100));
      expect(h.output().toString()).toContain("42");
      h.socket.write(keys === "" ? "\x10\x11" : "\x18y");
      await h.closed;
      expect(await execInspect(id)).toMatchObject({ Running: true, ExitCode: null });
      const ex = await execInspect(id);
      expect(ex.Pid).toBeGreaterThan(0);
      process.kill(ex.Pid, "SIGKILL");
    }
    const bad = await engine.request("POST", "/containers/box/exec",
      { body: JSON.stringify({ Cmd: ["sh"], DetachKeys: "ctrl-xx" }), headers: { "Content-Type": "application/json" } });
    expect(bad.status).toBe(400);
  });

  it("attaches to a running container with stdin, and detaches on the detach keys", async () => {
    expect((await engine.docker(["run", "-dit", "--name", "tty", B, "sh"])).code).toBe(0);
    const h = await hijack(engine.socket, "/containers/tty/attach?stream=1&stdin=1&stdout=1&stderr=1&detachKeys=ctrl-a");
    expect(h.head).toMatch(/^HTTP\/1.1 101 UPGRADED/);
    h.socket.write("echo hi-$((1+2))\n");
    for (let i = 0; i < 50 && !h.output().toString().includes("hi-3"); i++) await new Promise((r) => setTimeout(r, 100));
    expect(h.output().toString()).toContain("hi-3");
    h.socket.write("\x01");
    await h.closed;
    expect((await engine.docker(["inspect", "-f", "{{.State.Running}}", "tty"])).stdout.trim()).toBe("true");
    await engine.docker(["rm", "-f", "tty"]);
  });

  it("announces exec_create, exec_start and exec_die events", async () => {
    const since = Math.floor(Date.now() / 1000) - 1;
    await engine.docker(["exec", "box", "sh", "-c", "exit 2"]);
    const ev = await engine.docker(["events", "--since", String(since), "--until", String(Math.ceil(Date.now() / 1000) + 1),
      "--filter", "container=box", "--format", "{{.Action}} {{.Actor.Attributes.exitCode}}"]);
    expect(ev.stdout).toContain("exec_create: sh -c exit 2");
    expect(ev.stdout).toContain("exec_start: sh -c exit 2");
    expect(ev.stdout).toContain("exec_die 2");
  });

  it("still execs after hakod is killed with -9 and restarted; a running exec's container is unaffected", async () => {
    expect((await engine.docker(["exec", "-d", "box", "sleep", "1000"])).code).toBe(0);
    await engine.kill9();
    await engine.restart();
    expect((await engine.docker(["inspect", "-f", "{{.State.Running}}", "box"])).stdout.trim()).toBe("true");
    expect(await engine.docker(["exec", "box", "echo", "again"])).toMatchObject({ code: 0, stdout: "again\n" });
    const ps = await engine.docker(["exec", "box", "ps", "-o", "args"]);
    expect(ps.stdout).toContain("sleep 1000");
    expect(await engine.docker(["exec", "box", "cat", "/tmp/marker"])).toMatchObject({ stdout: "made-by-init\n" });
  });
});
