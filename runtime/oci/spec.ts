/**
 * Generation of the OCI runtime spec (config.json of a bundle) for one container, with Docker's defaults: its default
 * capability set, masked and read-only paths, runc's default mounts and the device cgroup rules Docker grants.
 *
 * Pure: everything about the host (capabilities the engine holds, hard rlimits) comes in through {@link SpecInput}.
 */
import { invalidArgument } from "../errors.js";

export const OCI_VERSION = "1.0.2";

/** Docker's default capabilities (moby oci/caps/defaults.go). */
export const DEFAULT_CAPABILITIES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE",
];

/** Every capability Linux defines, by number (the index). */
export const ALL_CAPABILITIES = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
  "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE",
  "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME",
  "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP",
  "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ",
  "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
];

/** Docker's masked paths (moby oci/defaults.go). */
export const MASKED_PATHS = [
  "/proc/asound", "/proc/acpi", "/proc/interrupts", "/proc/kcore", "/proc/keys", "/proc/latency_stats",
  "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi", "/sys/firmware",
  "/sys/devices/virtual/powercap",
];

export const READONLY_PATHS = ["/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger"];

export const DEFAULT_PATH_ENV = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/** Docker's default for RLIMIT_NOFILE (soft and hard), clamped to what the host allows. */
export const DEFAULT_NOFILE = 1048576;

const ULIMIT_NAMES = [
  "core", "cpu", "data", "fsize", "locks", "memlock", "msgqueue", "nice", "nofile", "nproc", "rss", "rtprio",
  "rttime", "sigpending", "stack", "as",
];

export interface OciMount {
  destination: string;
  type?: string;
  source?: string;
  options?: string[];
}

export interface OciRlimit {
  type: string;
  soft: number;
  hard: number;
}

export interface OciDeviceRule {
  allow: boolean;
  type?: string;
  major?: number;
  minor?: number;
  access?: string;
}

/** A node the runtime makes in the container (OCI linux.devices). */
export interface OciDevice {
  path: string;
  type: "c" | "b";
  major: number;
  minor: number;
  fileMode?: number;
  uid?: number;
  gid?: number;
}

export interface OciSpec {
  ociVersion: string;
  process: {
    terminal: boolean;
    user: { uid: number; gid: number; additionalGids?: number[] };
    args: string[];
    env: string[];
    cwd: string;
    capabilities: { bounding: string[]; effective: string[]; permitted: string[] };
    rlimits: OciRlimit[];
    noNewPrivileges: boolean;
    oomScoreAdj?: number;
  };
  root: { path: string; readonly: boolean };
  hostname: string;
  mounts: OciMount[];
  linux: {
    namespaces: Array<{ type: string; path?: string }>;
    cgroupsPath: string;
    devices?: OciDevice[];
    resources: {
      devices: OciDeviceRule[];
      memory?: { limit?: number; swap?: number; reservation?: number };
      pids?: { limit: number };
      cpu?: { shares?: number; quota?: number; period?: number };
    };
    maskedPaths: string[];
    readonlyPaths: string[];
  };
  annotations?: Record<string, string>;
}

export interface SpecInput {
  id: string;
  rootfs: string;
  readonlyRootfs: boolean;
  hostname: string;
  args: string[];
  /** the full environment, already composed (see containers/env.ts) */
  env: string[];
  cwd: string;
  user: { uid: number; gid: number; additionalGids: number[] };
  terminal: boolean;
  cgroupsPath: string;
  resources: {
    memory: number;
    memorySwap: number;
    memoryReservation: number;
    pidsLimit: number | null;
    cpuShares: number;
    cpuQuota: number;
    cpuPeriod: number;
    nanoCpus: number;
  };
  capAdd: string[];
  capDrop: string[];
  privileged: boolean;
  /** capabilities the engine itself holds: "ALL" means these (a capability outside the bounding set cannot be granted) */
  engineCapabilities: string[];
  /** hard limits of the engine by ulimit name ("nofile" …); a container's limits are clamped to them */
  hostHardLimits: Record<string, number>;
  ulimits: Array<{ Name: string; Soft: number; Hard: number }>;
  shmSize: number;
  /** bind mounts added after the defaults (e.g. /etc/hosts) */
  extraMounts: OciMount[];
  annotations?: Record<string, string>;
}

/** Normalises a capability name as Docker accepts it ("net_admin", "CAP_NET_ADMIN", "ALL"). */
export function normaliseCapability(name: string): string {
  const up = name.trim().toUpperCase();
  if (up === "ALL") return "ALL";
  const full = up.startsWith("CAP_") ? up : `CAP_${up}`;
  if (!ALL_CAPABILITIES.includes(full)) throw invalidArgument(`unknown capability: "${full}"`);
  return full;
}

/**
 * Docker's TweakCapabilities: "ALL" added → everything except the drops; "ALL" dropped → only the adds; otherwise the
 * defaults minus the drops plus the adds. Everything is then limited to what the engine itself holds (a capability
 * outside its bounding set cannot be granted; see ENVIRONMENT.md), which is also what "privileged" means here.
 */
export function effectiveCapabilities(
  capAdd: string[], capDrop: string[], engineCaps: string[], privileged = false,
): string[] {
  const adds = capAdd.map(normaliseCapability);
  const drops = capDrop.map(normaliseCapability);
  let caps: string[];
  if (privileged) caps = [...engineCaps];
  else if (adds.includes("ALL")) caps = engineCaps.filter((c) => !drops.includes(c));
  else if (drops.includes("ALL")) caps = adds;
  else caps = [...DEFAULT_CAPABILITIES.filter((c) => !drops.includes(c)), ...adds];
  return [...new Set(caps)].filter((c) => engineCaps.includes(c));
}

function rlimits(input: SpecInput): OciRlimit[] {
  const wanted = new Map<string, { soft: number; hard: number }>();
  wanted.set("nofile", { soft: DEFAULT_NOFILE, hard: DEFAULT_NOFILE });
  for (const u of input.ulimits) {
    const name = u.Name.toLowerCase();
    if (!ULIMIT_NAMES.includes(name)) throw invalidArgument(`invalid ulimit type: ${u.Name}`);
    if (u.Soft > u.Hard) {
      throw invalidArgument(`ulimit soft limit must be less than or equal to hard limit: ${u.Soft} > ${u.Hard}`);
    }
    wanted.set(name, { soft: u.Soft, hard: u.Hard });
  }
  const out: OciRlimit[] = [];
  for (const [name, { soft, hard }] of wanted) {
    // Root here may lack CAP_SYS_RESOURCE: a hard limit above the engine's own cannot be set, so clamp.
    const max = input.hostHardLimits[name];
    const h = max !== undefined && max >= 0 && hard > max ? max : hard;
    out.push({ type: `RLIMIT_${name.toUpperCase()}`, soft: Math.min(soft, h), hard: h });
  }
  return out;
}

const c = (major: number, minor: number | undefined, access: string): OciDeviceRule => ({
  allow: true, type: "c", major, ...(minor === undefined ? {} : { minor }), access,
});

/** Device cgroup rules: deny all, then what runc/Docker allow by default. */
const DEFAULT_DEVICE_RULES: OciDeviceRule[] = [
  { allow: false, access: "rwm" },
  { allow: true, type: "c", access: "m" },
  { allow: true, type: "b", access: "m" },
  c(1, 3, "rwm"), // /dev/null
  c(1, 8, "rwm"), // /dev/random
  c(1, 7, "rwm"), // /dev/full
  c(5, 0, "rwm"), // /dev/tty
  c(1, 5, "rwm"), // /dev/zero
  c(1, 9, "rwm"), // /dev/urandom
  c(136, undefined, "rwm"), // /dev/pts/*
  c(5, 2, "rwm"), // /dev/ptmx
  c(10, 200, "rwm"), // /dev/net/tun
];

export function defaultMounts(shmSize: number): OciMount[] {
  const shmKiB = Math.max(1, Math.floor((shmSize > 0 ? shmSize : 64 * 1024 * 1024) / 1024));
  return [
    { destination: "/proc", type: "proc", source: "proc", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev", type: "tmpfs", source: "tmpfs", options: ["nosuid", "strictatime", "mode=755", "size=65536k"] },
    {
      destination: "/dev/pts", type: "devpts", source: "devpts",
      options: ["nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5"],
    },
    { destination: "/sys", type: "sysfs", source: "sysfs", options: ["nosuid", "noexec", "nodev", "ro"] },
    { destination: "/dev/mqueue", type: "mqueue", source: "mqueue", options: ["nosuid", "noexec", "nodev"] },
    { destination: "/dev/shm", type: "tmpfs", source: "shm", options: ["nosuid", "noexec", "nodev", "mode=1777", `size=${shmKiB}k`] },
  ];
}

export function buildSpec(input: SpecInput): OciSpec {
  const caps = effectiveCapabilities(input.capAdd, input.capDrop, input.engineCapabilities, input.privileged);
  const r = input.resources;
  const resources: OciSpec["linux"]["resources"] = { devices: [...DEFAULT_DEVICE_RULES] };
  if (r.memory > 0 || r.memoryReservation > 0) {
    resources.memory = {};
    if (r.memory > 0) resources.memory.limit = r.memory;
    if (r.memory > 0 && r.memorySwap !== 0) resources.memory.swap = r.memorySwap;
    if (r.memoryReservation > 0) resources.memory.reservation = r.memoryReservation;
  }
  if (r.pidsLimit !== null && r.pidsLimit > 0) resources.pids = { limit: r.pidsLimit };
  const cpu: NonNullable<OciSpec["linux"]["resources"]["cpu"]> = {};
  if (r.cpuShares > 0) cpu.shares = r.cpuShares;
  if (r.nanoCpus > 0) {
    cpu.period = 100_000;
    cpu.quota = Math.round((r.nanoCpus * 100_000) / 1e9);
  } else {
    if (r.cpuPeriod > 0) cpu.period = r.cpuPeriod;
    if (r.cpuQuota > 0) cpu.quota = r.cpuQuota;
  }
  if (Object.keys(cpu).length > 0) resources.cpu = cpu;

  const spec: OciSpec = {
    ociVersion: OCI_VERSION,
    process: {
      terminal: input.terminal,
      user: {
        uid: input.user.uid,
        gid: input.user.gid,
        ...(input.user.additionalGids.length > 0 ? { additionalGids: input.user.additionalGids } : {}),
      },
      args: input.args,
      env: input.env,
      cwd: input.cwd,
      // Like Docker (moby oci.SetCapabilities): a non-root user gets only the bounding set, as execve would leave it.
      capabilities: input.user.uid === 0
        ? { bounding: caps, effective: caps, permitted: caps }
        : { bounding: caps, effective: [], permitted: [] },
      rlimits: rlimits(input),
      noNewPrivileges: true,
      oomScoreAdj: 0,
    },
    root: { path: input.rootfs, readonly: input.readonlyRootfs },
    hostname: input.hostname,
    mounts: [...defaultMounts(input.shmSize), ...input.extraMounts],
    linux: {
      namespaces: [
        { type: "pid" }, { type: "mount" }, { type: "uts" }, { type: "ipc" }, { type: "network" }, { type: "cgroup" },
      ],
      cgroupsPath: input.cgroupsPath,
      resources,
      maskedPaths: MASKED_PATHS,
      readonlyPaths: READONLY_PATHS,
    },
  };
  if (input.annotations) spec.annotations = input.annotations;
  return spec;
}
