/**
 * Run options through the stock docker CLI against a real hakod: volumes and bind mounts, tmpfs, a read-only root,
 * network modes, security options, --init, and the bad input each must refuse without creating anything. As root.
 */
import { execFileSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { derivedImageArchive } from "../testing/derived-image.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

const REPO = join(import.meta.dirname, "..", "..");

describe.skipIf(!isRoot)("run options through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;
  const SEEDED = "hako-test/seeded:1";

  /** What exists (containers, volumes), to show that a refused request created nothing. */
  const inventory = async (): Promise<string> =>
    `${(await engine.docker(["ps", "-aq"])).stdout}|${(await engine.docker(["volume", "ls", "-q"])).stdout}`;

  const run = async (args: string[]): Promise<{ code: number; stdout: string; stderr: string }> =>
    engine.docker(["run", "--rm", ...args]);

  beforeAll(async () => {
    // the init binary of --init (built like hako-shim; scripts/build.sh builds both)
    execFileSync("make", ["-s", "-C", join(REPO, "runtime", "init")]);
    engine = await startEngine();
    B = await engine.loadBusybox();
    const archive = await derivedImageArchive(engine.dir, {
      name: SEEDED,
      config: { Volumes: { "/seed": {} } },
      files: [
        { name: "seed/", type: "directory", mode: 0o750, uid: 65534, gid: 65534 },
        { name: "seed/hello.txt", content: "from the image\n" },
      ],
    });
    const r = await engine.docker(["load", "-i", archive]);
    expect(r.stderr).toBe("");
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  describe("volumes", () => {
    it("keeps what a container wrote in a named volume for the next container", async () => {
      expect((await engine.docker(["volume", "create", "--label", "team=a", "notes"])).stdout).toBe("notes\n");
      expect((await run(["-v", "notes:/notes", B, "sh", "-c", "echo written-once > /notes/file"])).code).toBe(0);
      const second = await run(["-v", "notes:/data", B, "cat", "/data/file"]);
      expect(second).toMatchObject({ code: 0, stdout: "written-once\n" });
      const inspect = JSON.parse((await engine.docker(["volume", "inspect", "notes"])).stdout) as Array<Record<string, unknown>>;
      expect(inspect[0]).toMatchObject({ Name: "notes", Driver: "local", Labels: { team: "a" }, Scope: "local",
        Mountpoint: join(engine.dataRoot, "volumes", "notes", "_data") });
      expect(await readFile(join(engine.dataRoot, "volumes", "notes", "_data", "file"), "utf8")).toBe("written-once\n");
      expect((await engine.docker(["volume", "ls", "--format", "{{.Driver}} {{.Name}}", "--filter", "label=team=a"])).stdout)
        .toBe("local notes\n");
    });

    it("creates a named volume on first use and refuses to remove it while a container uses it", async () => {
      const id = (await engine.docker(["create", "--name", "holder", "-v", "firstuse:/x", B, "true"])).stdout.trim();
      expect((await engine.docker(["volume", "ls", "-q"])).stdout).toContain("firstuse\n");
      const rm = await engine.docker(["volume", "rm", "firstuse"]);
      expect(rm.code).not.toBe(0);
      expect(rm.stderr).toContain(`remove firstuse: volume is in use - [${id}]`);
      expect((await engine.docker(["volume", "ls", "-q", "--filter", "dangling=false"])).stdout).toContain("firstuse\n");
      expect((await engine.docker(["rm", "holder"])).code).toBe(0);
      expect((await engine.docker(["volume", "rm", "firstuse"])).stdout).toBe("firstuse\n");
      expect((await engine.docker(["volume", "inspect", "firstuse"])).stderr).toContain("no such volume");
    });

    it("copies the image's content into a new volume at a VOLUME path, and rm -v removes that anonymous volume", async () => {
      const id = (await engine.docker(["run", "-d", SEEDED, "sh", "-c", "cat /seed/hello.txt; stat -c '%u %a' /seed"]))
        .stdout.trim();
      expect((await engine.docker(["wait", id])).stdout.trim()).toBe("0");
      expect((await engine.docker(["logs", id])).stdout).toBe("from the image\n65534 750\n");
      const mounts = JSON.parse((await engine.docker(["inspect", "-f", "{{json .Mounts}}", id])).stdout) as
        Array<{ Type: string; Name: string; Destination: string; RW: boolean }>;
      expect(mounts).toHaveLength(1);
      expect(mounts[0]).toMatchObject({ Type: "volume", Destination: "/seed", RW: true });
      const anon = mounts[0]?.Name as string;
      expect(anon).toMatch(/^[0-9a-f]{64}$/);
      expect((await engine.docker(["volume", "ls", "-q"])).stdout).toContain(anon);
      expect((await engine.docker(["rm", "-v", id])).code).toBe(0);
      await until(async () => !(await engine.docker(["volume", "ls", "-q"])).stdout.includes(anon));
    });

    it("does not copy into a volume that has content, and leaves named volumes alone on rm -v and run --rm", async () => {
      await run(["-v", "prefilled:/seed", B, "sh", "-c", "echo mine > /seed/own.txt"]);
      const r = await run(["-v", "prefilled:/seed", "-v", "/anon", SEEDED, "ls", "/seed"]);
      expect(r.stdout).toBe("own.txt\n");
      const vols = (await engine.docker(["volume", "ls", "-q"])).stdout;
      expect(vols).toContain("prefilled\n");
      // the anonymous volume of /anon went with the --rm container
      expect(vols.split("\n").filter((v) => /^[0-9a-f]{64}$/.test(v))).toEqual([]);
    });

    it("prunes the volumes no container uses", async () => {
      await engine.docker(["volume", "create", "unused1"]);
      await engine.docker(["create", "--name", "keeper", "-v", "inuse:/x", B, "true"]);
      const pruned = await engine.docker(["volume", "prune", "-f"]);
      expect(pruned.code).toBe(0);
      expect(pruned.stdout).toContain("unused1");
      const left = (await engine.docker(["volume", "ls", "-q"])).stdout;
      expect(left).toContain("inuse\n");
      expect(left).not.toContain("unused1");
      await engine.docker(["rm", "keeper"]);
    });
  });

  describe("bind mounts, tmpfs and a read-only root", () => {
    it("binds a host directory, refusing writes when read-only, and creates a missing -v source", async () => {
      const src = join(engine.dir, "bind-src");
      await mkdir(src);
      await writeFile(join(src, "host.txt"), "from the host\n");
      const ro = await run(["-v", `${src}:/b:ro`, B, "sh", "-c", "cat /b/host.txt; echo x > /b/new"]);
      expect(ro.stdout).toBe("from the host\n");
      expect(ro.stderr).toContain("Read-only file system");
      expect(existsSync(join(src, "new"))).toBe(false);
      const rw = await run(["--mount", `type=bind,src=${src},dst=/b`, B, "sh", "-c", "echo back > /b/written"]);
      expect(rw.code).toBe(0);
      expect(await readFile(join(src, "written"), "utf8")).toBe("back\n");
      const made = join(engine.dir, "made-by-v", "deep");
      expect((await run(["-v", `${made}:/m`, B, "touch", "/m/f"])).code).toBe(0);
      expect(existsSync(join(made, "f"))).toBe(true);
    });

    it("mounts tmpfs where asked, with its options", async () => {
      const r = await run(["--tmpfs", "/scratch:size=128k,mode=1770", B, "sh", "-c",
        "grep ' /scratch ' /proc/mounts; stat -c %a /scratch"]);
      expect(r.stdout).toMatch(/^tmpfs \/scratch tmpfs rw,nosuid,nodev,noexec,relatime,size=128k,mode=1770 0 0\n1770\n$/);
      const m = await run(["--mount", "type=tmpfs,dst=/t,tmpfs-size=1m", B, "sh", "-c", "grep ' /t ' /proc/mounts"]);
      expect(m.stdout).toMatch(/^tmpfs \/t tmpfs .*size=1024k/);
    });

    it("with --read-only refuses writes to the root but not to tmpfs, /dev/shm or volumes", async () => {
      const r = await run(["--read-only", "--tmpfs", "/run", "-v", "rovol:/vol", B, "sh", "-c",
        "touch /etc/x 2>&1; touch /run/ok && touch /dev/shm/ok && touch /vol/ok && echo writable-where-expected"]);
      expect(r.stdout).toContain("Read-only file system");
      expect(r.stdout).toContain("writable-where-expected");
    });
  });

  describe("process options", () => {
    it("creates the working directory and applies hostname, entrypoint, labels and env", async () => {
      const envFile = join(engine.dir, "env.list");
      await writeFile(envFile, "FROM_FILE=yes\n# comment\n");
      const r = await run(["-w", "/work/deep", "--hostname", "boxy", "--entrypoint", "sh", "-e", "A=1", "--env-file",
        envFile, B, "-c", "pwd; hostname; echo $A $FROM_FILE"]);
      expect(r.stdout).toBe("/work/deep\nboxy\n1 yes\n");
      const id = (await engine.docker(["create", "-l", "tier=web", "--label", "x=y", B, "true"])).stdout.trim();
      expect((await engine.docker(["inspect", "-f", "{{json .Config.Labels}}", id])).stdout.trim())
        .toBe('{"tier":"web","x":"y"}');
      await engine.docker(["rm", id]);
    });

    it("stops with the container's stop signal and honours its stop timeout", async () => {
      const id = (await engine.docker(["run", "-d", "--stop-signal", "USR1", "--stop-timeout", "30", B, "sh", "-c",
        "trap 'echo got-usr1; exit 5' USR1; echo ready; while true; do sleep 0.1; done"])).stdout.trim();
      // sh as pid 1 ignores a USR1 it has no trap for yet: stop only once the trap is set
      await until(async () => (await engine.docker(["logs", id])).stdout === "ready\n");
      expect((await engine.docker(["stop", id])).code).toBe(0);
      expect((await engine.docker(["inspect", "-f", "{{.State.ExitCode}} {{.Config.StopSignal}} {{.Config.StopTimeout}}", id]))
        .stdout.trim()).toBe("5 USR1 30");
      expect((await engine.docker(["logs", id])).stdout).toBe("ready\ngot-usr1\n");
      await engine.docker(["rm", id]);
    });
  });

  describe("network modes", () => {
    it("gives none loopback only, the default mode an eth0 on the bridge, and host the host's interfaces and name", async () => {
      const links = (args: string[]) => run([...args, B, "sh", "-c", "ip -o link | cut -d: -f2 | tr -d ' ' | cut -d@ -f1 | sort"]);
      expect((await links(["--network", "none"])).stdout).toBe("lo\n");
      expect((await links([])).stdout).toBe("eth0\nlo\n");
      // engines' bridges and veths (hk…, vh…) come and go with other tests' containers: left out of the comparison
      const own = (names: string): string => names.split("\n").filter((n) => !/^(hk|vh)/.test(n)).join("\n");
      const hostLinks = execFileSync("sh", ["-c", "ip -o link | cut -d: -f2 | tr -d ' ' | cut -d@ -f1 | sort"]).toString();
      expect(own((await links(["--network", "host"])).stdout.replace(/@\S+/g, ""))).toBe(own(hostLinks));
      const name = execFileSync("hostname").toString();
      const r = await run(["--network", "host", B, "sh", "-c", "hostname; cat /etc/hosts"]);
      expect(r.stdout).toBe(`${name}${await readFile("/etc/hosts", "utf8")}`);
    });

    it("refuses networks it does not have, creating nothing", async () => {
      const before = await inventory();
      const r = await run(["--network", "nosuchnet", B, "true"]);
      expect(r.code).toBe(125);
      expect(r.stderr).toContain("network nosuchnet not found");
      expect(r.stderr).not.toContain("Unable to find image");
      expect((await run(["--network", "container:other", B, "true"])).stderr).toContain("No such container: other");
      expect(await inventory()).toBe(before);
    });
  });

  describe("security options", () => {
    const status = async (args: string[], fields = "Seccomp|NoNewPrivs|CapEff"): Promise<string> =>
      (await run([...args, B, "grep", "-E", `^(${fields}):`, "/proc/self/status"])).stdout;

    it("confines containers with the default seccomp profile: unshare is refused, unconfined allows it", async () => {
      expect(await status([], "Seccomp")).toBe("Seccomp:\t2\n");
      const confined = await run([B, "unshare", "-U", "true"]);
      expect(confined.code).not.toBe(0);
      expect(confined.stderr).toContain("Operation not permitted");
      expect(await status(["--security-opt", "seccomp=unconfined"], "Seccomp")).toBe("Seccomp:\t0\n");
      expect((await run(["--security-opt", "seccomp=unconfined", B, "unshare", "-U", "true"])).code).toBe(0);
    });

    it("loads a profile file the CLI sends", async () => {
      const profile = join(engine.dir, "no-mkdir.json");
      await writeFile(profile, JSON.stringify({ defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{ names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 1 }] }));
      const r = await run(["--security-opt", `seccomp=${profile}`, B, "sh", "-c", "mkdir /d; unshare -U true && echo unshared"]);
      expect(r.stderr).toContain("Operation not permitted");
      expect(r.stdout).toBe("unshared\n");
    });

    it("sets no_new_privs only when asked", async () => {
      expect(await status([], "NoNewPrivs")).toBe("NoNewPrivs:\t0\n");
      expect(await status(["--security-opt", "no-new-privileges"], "NoNewPrivs")).toBe("NoNewPrivs:\t1\n");
      expect(await status(["--security-opt", "no-new-privileges=false"], "NoNewPrivs")).toBe("NoNewPrivs:\t0\n");
    });

    it("lets a privileged container mount, see the host's devices and write /sys, without a filter", async () => {
      const r = await run(["--privileged", B, "sh", "-c",
        "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo mounted; grep -E '^Seccomp:' /proc/self/status; " +
        "grep ' /sys ' /proc/mounts | cut -d' ' -f4 | cut -d, -f1; ls /dev | wc -l"]);
      const [mounted, seccomp, sysMode, devices] = r.stdout.trim().split("\n");
      expect([mounted, seccomp, sysMode]).toEqual(["mounted", "Seccomp:\t0", "rw"]);
      expect(Number(devices)).toBeGreaterThan(20);
      const plain = await run([B, "sh", "-c", "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t"]);
      expect(plain.code).not.toBe(0);
    });

    it("takes capabilities away with --cap-drop ALL and gives them with --cap-add", async () => {
      expect(await status(["--cap-drop", "ALL"], "CapEff")).toBe("CapEff:\t0000000000000000\n");
      const r = await run(["--cap-add", "SYS_ADMIN", B, "sh", "-c", "mkdir -p /mnt/t && mount -t tmpfs none /mnt/t && echo ok"]);
      expect(r.stdout).toBe("ok\n");
    });
  });

  describe("--init", () => {
    it("runs the command under a reaping init as pid 1 that passes signals and the exit status on", async () => {
      const r = await run(["--init", B, "sh", "-c",
        "cat /proc/1/cmdline | tr '\\0' ' '; echo; (sleep 0.2 &); sleep 1; ps -o stat,comm | grep -c '^Z' || true"]);
      expect(r.stdout).toBe("/sbin/docker-init -- sh -c cat /proc/1/cmdline | tr '\\0' ' '; echo; (sleep 0.2 &); sleep 1; ps -o stat,comm | grep -c '^Z' || true \n0\n");
      expect((await run(["--init", B, "sh", "-c", "exit 7"])).code).toBe(7);
      const id = (await engine.docker(["run", "-d", "--init", B, "sleep", "60"])).stdout.trim();
      await until(async () => (await engine.docker(["top", id])).stdout.includes("sleep"));
      // sleep has no handler for SIGTERM: as pid 2 under init it dies of it (without init, pid 1 would ignore it)
      expect((await engine.docker(["stop", "-t", "20", id])).code).toBe(0);
      expect((await engine.docker(["inspect", "-f", "{{.State.ExitCode}}", id])).stdout.trim()).toBe("143");
      await engine.docker(["rm", id]);
    });
  });

  describe("bad input", () => {
    it("is refused with a clear message and creates nothing", async () => {
      const before = await inventory();
      const cases: Array<[string[], string]> = [
        [["--memory", "12zz", B, "true"], "invalid argument \"12zz\" for \"-m, --memory\""],
        [["-d", "--restart", "sometimes", B, "true"], "invalid restart policy: unknown policy 'sometimes'"],
        [["-v", "a:b:c:d", B, "true"], "invalid volume specification: 'a:b:c:d'"],
        [["-v", "/src:/dst:bogus", B, "true"], "invalid mode: bogus"],
        [["-v", "bad name!:/x", B, "true"], "includes invalid characters for a local volume name"],
        [["--mount", `type=bind,src=${join(engine.dir, "absent")},dst=/x`, B, "true"],
          `bind source path does not exist: ${join(engine.dir, "absent")}`],
        [["--tmpfs", "relative", B, "true"], "mount path must be absolute"],
        [["--stop-signal", "SIGNOPE", B, "true"], "Invalid signal: SIGNOPE"],
        [["--security-opt", "seccomp=" + join(engine.dir, "absent.json"), B, "true"], "opening seccomp profile"],
        [["--security-opt", "bogus=1", B, "true"], "invalid --security-opt 2: \"bogus=1\""],
        [["--health-interval", "500us", "--health-cmd", "true", B, "true"], "Interval in Healthcheck cannot be less than 1ms"],
      ];
      for (const [args, message] of cases) {
        const r = await engine.docker(["run", ...args]);
        expect(r.code, args.join(" ")).toBe(125);
        expect(r.stderr, args.join(" ")).toContain(message);
      }
      expect(await inventory()).toBe(before);
      const user = await run(["-u", "nosuch", B, "true"]);
      expect(user.code).not.toBe(0);
      expect(user.stderr).toContain("unable to find user nosuch: no matching entries in passwd file");
      const volCreate = await engine.docker(["volume", "create", "x"]);
      expect(volCreate.stderr).toContain('"x" includes invalid characters for a local volume name');
    });
  });
});
