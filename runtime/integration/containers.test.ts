/**
 * Containers v0 with the stock docker CLI against a real hakod (real shim, namespaces, cgroups, overlayfs). As root.
 */
import { readFile } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

describe.skipIf(!isRoot)("containers through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("runs a command in the foreground and removes the container with --rm", async () => {
    const r = await engine.docker(["run", "--rm", B, "echo", "hello"]);
    expect(r).toMatchObject({ code: 0, stdout: "hello\n" });
    expect((await engine.docker(["ps", "-aq"])).stdout).toBe("");
  });

  it("relays stderr and the exit code, and ps shows the exit like Docker", async () => {
    const r = await engine.docker(["run", "--name", "bar-exit", B, "sh", "-c", "echo out; echo oops >&2; exit 3"]);
    expect(r.code).toBe(3);
    expect(r.stdout).toBe("out\n");
    expect(r.stderr).toContain("oops");
    const ps = await engine.docker(["ps", "-a", "--format", "{{.Names}}|{{.Status}}|{{.Command}}|{{.Image}}"]);
    expect(ps.stdout).toMatch(/^bar-exit\|Exited \(3\) (Less than a second|\d+ seconds?) ago\|"sh -c 'echo out; ec…"\|busybox:1\.38\.0-glibc$/m);
    const logs = await engine.docker(["logs", "bar-exit"]);
    expect([logs.stdout, logs.stderr]).toEqual(["out\n", "oops\n"]);
    const state = await engine.docker(["inspect", "-f", "{{.State.Status}} {{.State.ExitCode}} {{.Name}} {{.Config.Image}}", "bar-exit"]);
    expect(state.stdout.trim()).toBe(`exited 3 /bar-exit ${B}`);
    expect((await engine.docker(["rm", "bar-exit"])).code).toBe(0);
  });

  it("gives the container its own pid namespace, hostname and user", async () => {
    expect((await engine.docker(["run", "--rm", B, "sh", "-c", "echo $$"])).stdout).toBe("1\n");
    const id = (await engine.docker(["run", "-d", B, "sh", "-c", "hostname; id; pwd"])).stdout.trim();
    await engine.docker(["wait", id]);
    expect((await engine.docker(["logs", id])).stdout).toBe(`${id.slice(0, 12)}\nuid=0(root) gid=0(root) groups=0(root),10(wheel)\n/\n`);
    await engine.docker(["rm", id]);
    const user = await engine.docker(["run", "--rm", "-u", "nobody", "-w", "/tmp/work", B, "sh", "-c", "id -u; pwd"]);
    expect(user.stdout).toBe("65534\n/tmp/work\n");
    const bad = await engine.docker(["run", "--rm", "-u", "nosuch", B, "true"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("unable to find user nosuch");
  });

  it("feeds stdin with -i and gives a pty with -t", async () => {
    const cat = await engine.docker(["run", "--rm", "-i", B, "sh", "-c", "cat; echo done"], { input: "typed\n" });
    expect(cat.stdout).toBe("typed\ndone\n");
    const tty = await engine.docker(["run", "--rm", "-t", B, "tty"]);
    expect(tty.stdout.replace(/\r/g, "")).toBe("/dev/pts/0\n");
  });

  it("says which command was not found, with the CLI's exit code 127", async () => {
    const r = await engine.docker(["run", "--rm", B, "nosuchcmd"]);
    expect(r.code).toBe(127);
    expect(r.stderr).toContain('exec: "nosuchcmd": executable file not found in $PATH');
  });

  it("runs detached, lists running containers, shows logs and stops with SIGTERM then SIGKILL", async () => {
    const id = (await engine.docker(["run", "-d", "--name", "web", "--label", "team=a", B, "sh", "-c",
      "i=0; while true; do echo tick $i; i=$((i+1)); sleep 0.1; done"])).stdout.trim();
    expect(id).toMatch(/^[0-9a-f]{64}$/);
    const ps = await engine.docker(["ps", "--format", "{{.Names}}|{{.Status}}"]);
    expect(ps.stdout).toMatch(/^web\|Up (Less than a second|\d+ seconds?)$/m);
    await new Promise((r) => setTimeout(r, 500));
    const tail = await engine.docker(["logs", "--tail", "1", "-t", "web"]);
    expect(tail.stdout).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z tick \d+\n$/);
    expect((await engine.docker(["ps", "-q", "--filter", "label=team=a"])).stdout.trim()).toBe(id.slice(0, 12));
    expect((await engine.docker(["ps", "-q", "--filter", "name=we"])).stdout.trim()).toBe(id.slice(0, 12));
    expect((await engine.docker(["ps", "-q", "--filter", "status=exited", "--filter", "name=web"])).stdout).toBe("");

    const rm = await engine.docker(["rm", "web"]);
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toContain(`You cannot remove a running container ${id}. Stop the container before attempting removal or force remove`);

    // sh is pid 1 of its namespace and has no SIGTERM handler, so only the SIGKILL after the timeout ends it
    expect((await engine.docker(["stop", "-t", "1", "web"])).code).toBe(0);
    const state = await engine.docker(["inspect", "-f", "{{.State.Running}} {{.State.ExitCode}}", "web"]);
    expect(state.stdout.trim()).toBe("false 137");
    expect((await engine.docker(["ps", "-aq", "--filter", "status=exited", "--filter", "name=web"])).stdout.trim()).toBe(id.slice(0, 12));

    // one that handles SIGTERM ends with it: 143
    await engine.docker(["run", "-d", "--name", "polite", B, "sh", "-c", "trap 'exit 143' TERM; while true; do sleep 0.1; done"]);
    expect((await engine.docker(["stop", "-t", "10", "polite"])).code).toBe(0);
    expect((await engine.docker(["inspect", "-f", "{{.State.ExitCode}}", "polite"])).stdout.trim()).toBe("143");
    expect((await engine.docker(["rm", "web", "polite"])).code).toBe(0);
  });

  it("force-removes a running container", async () => {
    await engine.docker(["run", "-d", "--name", "doomed", B, "sleep", "600"]);
    expect((await engine.docker(["rm", "-f", "doomed"])).code).toBe(0);
    expect((await engine.docker(["ps", "-aq", "--filter", "name=doomed"])).stdout).toBe("");
  });

  it("refuses a name in use with Docker's 409 message", async () => {
    const id = (await engine.docker(["create", "--name", "taken", B, "true"])).stdout.trim();
    const r = await engine.docker(["create", "--name", "taken", B, "true"]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`Conflict. The container name "/taken" is already in use by container "${id}". ` +
      "You have to remove (or rename) that container to be able to reuse that name.");
    await engine.docker(["rm", "taken"]);
  });

  it("honours a memory limit: visible in the container's cgroup, exceeded → OOM kill (137)", async () => {
    const id = (await engine.docker(["run", "-d", "-m", "32m", B, "sleep", "600"])).stdout.trim();
    const cgroup = new Layout(engine.dataRoot).cgroupPath(id);
    const limitFile = (await readFile("/proc/self/mountinfo", "utf8")).includes(" - cgroup2 ") &&
      !(await readFile("/proc/self/mountinfo", "utf8")).includes(" - cgroup cgroup rw,memory")
      ? `/sys/fs/cgroup${cgroup}/memory.max`
      : `/sys/fs/cgroup/memory${cgroup}/memory.limit_in_bytes`;
    expect((await readFile(limitFile, "utf8")).trim()).toBe(String(32 * 1024 * 1024));
    const inside = await engine.docker(["inspect", "-f", "{{.HostConfig.Memory}}", id]);
    expect(inside.stdout.trim()).toBe(String(32 * 1024 * 1024));
    await engine.docker(["rm", "-f", id]);

    const r = await engine.docker(["run", "--rm", "-m", "32m", B, "sh", "-c",
      'x=$(head -c 80000000 /dev/zero | tr "\\0" a); echo survived']);
    expect(r.code).toBe(137);
    expect(r.stdout).not.toContain("survived");
  });

  it("lists and inspects the image, and refuses to remove it while a container uses it", async () => {
    const images = await engine.docker(["images", "--format", "{{.Repository}}:{{.Tag}} {{.ID}} {{.Size}}"]);
    expect(images.stdout).toMatch(/^busybox:1\.38\.0-glibc [0-9a-f]{12} \d+(\.\d+)?MB$/m);
    const inspect = await engine.docker(["image", "inspect", "-f", "{{.Os}}/{{.Architecture}} {{.RootFS.Type}} {{len .RootFS.Layers}} {{.Config.Cmd}}", B]);
    expect(inspect.stdout.trim()).toBe("linux/amd64 layers 1 [sh]");

    const id = (await engine.docker(["create", B, "true"])).stdout.trim();
    const rmi = await engine.docker(["rmi", B]);
    expect(rmi.code).not.toBe(0);
    expect(rmi.stderr).toMatch(new RegExp(`conflict: unable to remove repository reference "${B}" \\(must force\\) - ` +
      "container [0-9a-f]{12} is using its referenced image"));
    expect((await engine.docker(["rm", id])).code).toBe(0);
  });

  it("answers unknown images and containers with Docker's 404 wording", async () => {
    const ctr = await engine.docker(["inspect", "--type", "container", "nope"]);
    expect(ctr.code).not.toBe(0);
    expect(ctr.stderr).toContain("No such container: nope");
    expect((await engine.docker(["rm", "nope"])).stderr).toContain("No such container: nope");
    expect((await engine.docker(["image", "inspect", "nosuch:tag"])).stderr).toContain("No such image: nosuch:tag");
    const run = await engine.docker(["run", "--rm", "nosuch:tag", "true"]);
    expect(run.code).toBe(125);
    expect(run.stderr).toContain("Unable to find image 'nosuch:tag' locally");
    // the pull goes to Docker Hub, which no test machine reaches
    expect(run.stderr).toMatch(/Error response from daemon: (Get "https:\/\/registry-1\.docker\.io|pull access denied)/);
    const create = await engine.request("POST", "/v1.41/containers/create", {
      body: JSON.stringify({ Image: "nosuch:tag" }), headers: { "Content-Type": "application/json" },
    });
    expect(create.status).toBe(404);
    expect(create.json()).toEqual({ message: "No such image: nosuch:tag" });
  });

  it("removes the image once no container uses it", async () => {
    const rmi = await engine.docker(["rmi", B]);
    expect(rmi.code).toBe(0);
    expect(rmi.stdout).toContain(`Untagged: ${B}`);
    expect(rmi.stdout).toMatch(/Deleted: sha256:[0-9a-f]{64}/);
    expect((await engine.docker(["images", "-q"])).stdout).toBe("");
    B = await engine.loadBusybox();
  });
});
