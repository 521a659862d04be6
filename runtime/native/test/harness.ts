/**
 * The test harness of hako-shim, as hakod drives it (runtime/native/README.md): spawn it detached with an OCI bundle,
 * read the handshake line, speak the frame protocol on its abstract socket, read the log, pid and exit files. Real
 * namespaces, real cgroups, a real busybox rootfs; runs as root. Shared by the *.test.ts files beside it, which
 * vitest may run in parallel (each in its own process, with its own work directory and cgroup parent).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, afterEach, beforeAll, expect } from "vitest";

export const HERE = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const SHIM = path.join(HERE, "out", "hako-shim");
export const SHAPE = path.join(HERE, "out", "cgroup-shape");
export const SECCOMP_TOOL = path.join(HERE, "out", "seccomp-tool");
export const SYSCALL_PROBE = path.join(HERE, "out", "syscall-probe");
export const FIXTURES = process.env.HAKO_FIXTURES ?? "/work/shared";
export const CGROUP_PARENT = `/hako-shim-test-${process.pid}`;
export const isRoot = process.getuid?.() === 0;
export const pureV2 = fs.existsSync("/sys/fs/cgroup/cgroup.controllers");

// Docker's defaults (moby/oci/defaults.go, caps/defaults.go)
export const DOCKER_CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
  "CAP_AUDIT_WRITE",
];
export const DOCKER_CAPS_MASK = "00000000a80425fb";
export const MASKED_PATHS = [
  "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
  "/sys/devices/virtual/powercap",
];
export const READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export type Spec = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any

/** A spec like the one hakod writes: runc's default mounts, Docker's capabilities and masked/read-only paths. */
export function makeSpec(rootfs: string, id: string, args: string[], opts: { tty?: boolean } = {}): Spec {
  return {
    ociVersion: "1.0.2",
    process: {
      terminal: opts.tty ?? false,
      user: { uid: 0, gid: 0 },
      args,
      env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOSTNAME=box", "TERM=xterm"],
      cwd: "/",
      capabilities: { bounding: DOCKER_CAPS, effective: DOCKER_CAPS, permitted: DOCKER_CAPS },
      rlimits: [{ type: "RLIMIT_NOFILE", hard: 1048576, soft: 1048576 }],
      noNewPrivileges: true,
      oomScoreAdj: 0,
    },
    root: { path: rootfs, readonly: false },
    hostname: "box",
    mounts: [
      { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
      { destination: "/dev/pts", type: "devpts", source: "devpts",
        options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"] },
      { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
      { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup",
        options: ["ro", "nosuid", "noexec", "nodev"] },
      { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
      { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", "size=67108864"] },
    ],
    linux: {
      namespaces: ["mount", "network", "uts", "pid", "ipc", "cgroup"].map((type) => ({ type })),
      cgroupsPath: `${CGROUP_PARENT}/${id}`,
      resources: {
        devices: [
          { allow: false, access: "rwm" },
          { allow: true, type: "c", major: 1, minor: 3, access: "rwm" },
          { allow: true, type: "c", major: 136, access: "rwm" },
        ],
      },
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
}

// ---- rootfs ----

export let work = "";
export let rootfs = "";
export let rootfsSource = "";

export function extractRootfs(dir: string): void {
  fs.mkdirSync(dir, { recursive: true });
  const layout = path.join(FIXTURES, "images", "busybox-glibc-oci");
  if (fs.existsSync(layout)) {
    const blob = (digest: string) => path.join(layout, "blobs", ...digest.split(":"));
    const index = JSON.parse(fs.readFileSync(path.join(layout, "index.json"), "utf8"));
    const manifest = JSON.parse(fs.readFileSync(blob(index.manifests[0].digest), "utf8"));
    execFileSync("tar", ["-xzf", blob(manifest.layers[0].digest), "-C", dir]);
    rootfsSource = `the busybox-glibc OCI layout in ${FIXTURES}`;
  } else {
    for (const d of ["bin", "usr/bin", "etc", "tmp", "proc", "sys", "dev"]) fs.mkdirSync(path.join(dir, d), { recursive: true });
    // the applet links name the binary as the host resolves it (/usr/bin/busybox on a merged-/usr Debian)
    const real = fs.realpathSync("/bin/busybox");
    for (const p of new Set(["/bin/busybox", real])) {
      fs.copyFileSync(real, path.join(dir, p));
      fs.chmodSync(path.join(dir, p), 0o755);
    }
    execFileSync("/bin/busybox", ["--install", "-s", path.join(dir, "bin")]);
    rootfsSource = "Debian's busybox-static (/bin/busybox)";
  }
}

// ---- the shim, as hakod drives it ----

export interface ExitRecord {
  exitCode: number;
  signal: number;
  oomKilled: boolean;
  finishedAt: string;
}

export interface Shim {
  id: string;
  dir: string;
  socket: string;
  proc: ChildProcess;
  line: string; // the handshake line
  stderr: () => string;
  exited: Promise<number | null>;
  files: { log: string; exit: string; pid: string };
}

export const live: Shim[] = [];
export let seq = 0;

export function shimArgs(dir: string, id: string, socket: string, flags: string[]): string[] {
  return [
    "--bundle", dir, "--id", id, "--socket", socket, "--log", path.join(dir, "log"),
    "--exit-file", path.join(dir, "exit.json"), "--pid-file", path.join(dir, "init.pid"), ...flags,
  ];
}

export function prepare(args: string[], opts: { tty?: boolean; root?: string; edit?: (s: Spec) => void } = {}) {
  const id = `t${process.pid}-${++seq}`;
  const dir = path.join(work, id);
  fs.mkdirSync(dir);
  const spec = makeSpec(opts.root ?? rootfs, id, args, { tty: opts.tty });
  opts.edit?.(spec);
  fs.writeFileSync(path.join(dir, "config.json"), JSON.stringify(spec, null, 2));
  return { id, dir, socket: `hako-shim-test/${id}` };
}

export async function create(
  args: string[],
  opts: { tty?: boolean; stdin?: boolean; root?: string; edit?: (s: Spec) => void } = {},
): Promise<Shim> {
  const { id, dir, socket } = prepare(args, opts);
  const flags = [...(opts.stdin ? ["--stdin"] : []), ...(opts.tty ? ["--tty"] : [])];
  return spawnShim(id, dir, socket, flags);
}

/** Spawns hako-shim for a prepared bundle, waits for its handshake line, and registers it for cleanup. */
export async function spawnShim(id: string, dir: string, socket: string, flags: string[]): Promise<Shim> {
  const proc = spawn(SHIM, shimArgs(dir, id, socket, flags), { detached: true, stdio: ["ignore", "pipe", "pipe"] });
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
  const shim: Shim = {
    id, dir, socket, proc, line, exited, stderr: () => err,
    files: { log: path.join(dir, "log"), exit: path.join(dir, "exit.json"), pid: path.join(dir, "init.pid") },
  };
  live.push(shim);
  return shim;
}

export interface Frame {
  type: number;
  payload: Buffer;
}

export class Client {
  readonly frames: Frame[] = [];
  private buf = Buffer.alloc(0);
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly sock: net.Socket) {
    sock.on("data", (d: Buffer) => {
      this.buf = Buffer.concat([this.buf, d]);
      while (this.buf.length >= 8 && this.buf.length >= 8 + this.buf.readUInt32BE(4)) {
        const len = this.buf.readUInt32BE(4);
        this.frames.push({ type: this.buf[0]!, payload: this.buf.subarray(8, 8 + len) });
        this.buf = this.buf.subarray(8 + len);
      }
      this.wake();
    });
    sock.on("error", () => undefined);
    sock.on("close", () => {
      this.closed = true;
      this.wake();
    });
  }

  static connect(name: string): Promise<Client> {
    return new Promise((resolve, reject) => {
      const sock = net.connect({ path: `\0${name}` });
      sock.once("error", reject);
      sock.once("connect", () => resolve(new Client(sock)));
    });
  }

  private wake() {
    for (const w of this.waiters.splice(0)) w();
  }

  send(type: number, payload: Buffer = Buffer.alloc(0)) {
    const h = Buffer.alloc(8);
    h[0] = type;
    h.writeUInt32BE(payload.length, 4);
    this.sock.write(Buffer.concat([h, payload]));
  }
  start() {
    this.send(6);
  }
  signal(sig: number) {
    const p = Buffer.alloc(4);
    p.writeUInt32BE(sig);
    this.send(7, p);
  }
  resize(rows: number, cols: number) {
    const p = Buffer.alloc(4);
    p.writeUInt16BE(rows, 0);
    p.writeUInt16BE(cols, 2);
    this.send(5, p);
  }

  output(type: 1 | 2): string {
    return Buffer.concat(this.frames.filter((f) => f.type === type).map((f) => f.payload)).toString();
  }

  async until(check: () => boolean, what: string, ms = 15_000): Promise<void> {
    const deadline = Date.now() + ms;
    while (!check()) {
      if (this.closed) throw new Error(`connection closed while waiting for ${what}`);
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 100);
      });
    }
  }

  /** The exit frame; the shim then closes the connection. */
  async exit(): Promise<ExitRecord> {
    await this.until(() => this.frames.some((f) => f.type === 3) || this.closed, "the exit frame", 30_000);
    const f = this.frames.find((x) => x.type === 3);
    if (!f) throw new Error("connection closed without an exit frame");
    return JSON.parse(f.payload.toString());
  }
}

/** create + connect + start + wait for the exit frame */
export async function run(args: string[], opts: Parameters<typeof create>[1] = {}) {
  const shim = await create(args, opts);
  expect(shim.line).toMatch(/^ready \d+$/);
  const client = await Client.connect(shim.socket);
  client.start();
  const exit = await client.exit();
  return { shim, client, exit, stdout: client.output(1), stderr: client.output(2) };
}

/** The container's directory in every cgroup hierarchy of the host (a co-mounted one's links counted once). */
export function controllerDirs(id: string): string[] {
  if (pureV2) return [path.join("/sys/fs/cgroup", CGROUP_PARENT, id)];
  return fs.readdirSync("/sys/fs/cgroup", { withFileTypes: true })
    .filter((e) => e.isDirectory())
    .map((e) => path.join("/sys/fs/cgroup", e.name, CGROUP_PARENT, id));
}

export function readLog(file: string): Array<{ stream: number; time: bigint; data: string }> {
  const buf = fs.readFileSync(file);
  const records = [];
  for (let off = 0; off + 16 <= buf.length; ) {
    const len = buf.readUInt32BE(off + 4);
    records.push({ stream: buf[off]!, time: buf.readBigUInt64BE(off + 8), data: buf.subarray(off + 16, off + 16 + len).toString() });
    off += 16 + len;
  }
  return records;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(" ")[2] !== "Z";
  } catch {
    return false;
  }
}

export async function waitFor(check: () => boolean, what: string, ms = 15_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Builds the shim and its test tools; parallel test files take turns (one make at a time in one directory). */
export function buildShim(): void {
  execFileSync("flock", [path.join(os.tmpdir(), "hako-shim-build.lock"), "make", "-s", "-C", HERE, "all", "test-tools"], {
    stdio: "inherit",
  });
}

const cleanups: Array<() => void | Promise<void>> = [];

/** Runs after the current test, pass or fail (a process to kill, a file to remove). */
export function onCleanup(fn: () => void | Promise<void>): void {
  cleanups.push(fn);
}

/** Call inside a describe: builds, makes the rootfs, and cleans up after every test and at the end. */
export function useShimHarness(): void {
  beforeAll(() => {
    buildShim();
    work = fs.mkdtempSync(path.join(os.tmpdir(), "hako-shim-test-"));
    rootfs = path.join(work, "rootfs");
    extractRootfs(rootfs);
    console.log(`hako-shim tests: rootfs from ${rootfsSource}`);
  });

  // after a failed test: the shim, an orphaned init, the cgroup (once its last task has gone)
  afterEach(async () => {
    for (const fn of cleanups.splice(0)) await fn();
    for (const s of live.splice(0)) {
      const pid = Number(fs.existsSync(s.files.pid) ? fs.readFileSync(s.files.pid, "utf8") : 0);
      if (s.proc.pid && alive(s.proc.pid)) s.proc.kill("SIGKILL");
      if (pid && alive(pid)) process.kill(pid, "SIGKILL");
      for (const d of controllerDirs(s.id)) {
        await waitFor(() => {
          try {
            fs.rmdirSync(d);
          } catch (e) {
            return (e as NodeJS.ErrnoException).code === "ENOENT";
          }
          return true;
        }, `rmdir ${d}`).catch(() => undefined);
      }
    }
  });

  afterAll(() => {
    const roots = pureV2 ? ["/sys/fs/cgroup"] : fs.readdirSync("/sys/fs/cgroup").map((c) => path.join("/sys/fs/cgroup", c));
    for (const r of roots) {
      try {
        fs.rmdirSync(path.join(r, CGROUP_PARENT));
      } catch {
        /* not made in this hierarchy */
      }
    }
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });
}
