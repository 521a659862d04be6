/**
 * The engine: one data root with its identity, image store, container manager, executor and the host's cgroups,
 * wired together. `Engine.open` brings a data root into service (after a crash too): it empties tmp/, opens the
 * image store, and rebuilds and reconciles the containers from their records.
 */
import { randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { mkdir, open, readdir, readFile, rename, rm, statfs } from "node:fs/promises";
import { join } from "node:path";
import { detectCgroups, type Cgroups } from "./cgroups/index.js";
import { ContainerManager, type HostFacts } from "./containers/manager.js";
import { ContainerStore } from "./containers/store.js";
import { rfc3339Nano } from "./containers/container.js";
import { Layout } from "./layout.js";
import type { Executor } from "./oci/executor.js";
import { ShimExecutor } from "./oci/shim-executor.js";
import { ALL_CAPABILITIES } from "./oci/spec.js";
import { mountsUnder, unmount } from "./snapshot/overlay.js";
import type { ImageStore } from "./store/image-store.js";
import { installRunHooks, type RunHooks } from "./containers/run-hooks.js";
import { defaultInitPath } from "./containers/run-spec.js";
import { defaultSecurity, type SecurityDefaults } from "./security/container-security.js";
import { LocalVolumeStore } from "./volumes/local-store.js";
import type { VolumeStore } from "./volumes/volume.js";
import { Registries, type RegistryOptions } from "./distribution/registry/settings.js";
import { EventBus } from "./events/bus.js";
import { ExecManager } from "./containers/exec-manager.js";
import { NetworkManager } from "./network/manager.js";
import { installNetworkHooks } from "./network/hooks.js";

// ---- logging ----

export type LogLevel = "debug" | "info" | "warn" | "error";
const LEVELS: LogLevel[] = ["debug", "info", "warn", "error"];

export interface Logger {
  readonly level: LogLevel;
  debug(msg: string, fields?: Record<string, unknown>): void;
  info(msg: string, fields?: Record<string, unknown>): void;
  warn(msg: string, fields?: Record<string, unknown>): void;
  error(msg: string, fields?: Record<string, unknown>): void;
  child(fields: Record<string, unknown>): Logger;
}

function fmt(v: unknown): string {
  const s = typeof v === "string" ? v : JSON.stringify(v);
  return s !== undefined && /^[\w./:@+-]+$/.test(s) ? s : JSON.stringify(s ?? String(v));
}

/** logfmt lines on stderr: `time=… level=info msg="…" key=value`. */
export function createLogger(level: LogLevel = "info", base: Record<string, unknown> = {},
  write: (line: string) => void = (l) => process.stderr.write(l)): Logger {
  const min = LEVELS.indexOf(level);
  const emit = (lvl: LogLevel, msg: string, fields?: Record<string, unknown>): void => {
    if (LEVELS.indexOf(lvl) < min) return;
    let line = `time=${new Date().toISOString()} level=${lvl} msg=${JSON.stringify(msg)}`;
    for (const [k, v] of Object.entries({ ...base, ...fields })) if (v !== undefined) line += ` ${k}=${fmt(v)}`;
    write(`${line}\n`);
  };
  return {
    level,
    debug: (m, f) => emit("debug", m, f),
    info: (m, f) => emit("info", m, f),
    warn: (m, f) => emit("warn", m, f),
    error: (m, f) => emit("error", m, f),
    child: (fields) => createLogger(level, { ...base, ...fields }, write),
  };
}

export function parseLogLevel(s: string): LogLevel {
  const l = s.toLowerCase() === "warning" ? "warn" : s.toLowerCase();
  if (!(LEVELS as string[]).includes(l)) throw new Error(`invalid log level "${s}" (debug, info, warn, error)`);
  return l as LogLevel;
}

// ---- the host ----

export interface EngineHost extends HostFacts {
  backingFs: string;
  operatingSystem: string;
  osVersion: string;
  openFds(): number;
}

const LIMIT_NAMES: Record<string, string> = {
  "Max cpu time": "cpu", "Max file size": "fsize", "Max data size": "data", "Max stack size": "stack",
  "Max core file size": "core", "Max resident set": "rss", "Max processes": "nproc", "Max open files": "nofile",
  "Max locked memory": "memlock", "Max address space": "as", "Max file locks": "locks",
  "Max pending signals": "sigpending", "Max msgqueue size": "msgqueue", "Max nice priority": "nice",
  "Max realtime priority": "rtprio", "Max realtime timeout": "rttime",
};

/** Hard limits from /proc/self/limits text ("unlimited" is left out: nothing to clamp to). */
export function parseHardLimits(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    for (const [label, name] of Object.entries(LIMIT_NAMES)) {
      if (!line.startsWith(label)) continue;
      const cols = line.slice(label.length).trim().split(/\s+/);
      const hard = cols[1];
      if (hard && /^\d+$/.test(hard)) out[name] = Number(hard);
    }
  }
  return out;
}

/** The capabilities in the CapBnd mask of /proc/self/status. */
export function parseBoundingSet(status: string): string[] {
  const m = /^CapBnd:\s*([0-9a-f]+)$/m.exec(status);
  if (!m) return [...ALL_CAPABILITIES];
  const mask = BigInt(`0x${m[1]}`);
  return ALL_CAPABILITIES.filter((_, i) => (mask >> BigInt(i)) & 1n);
}

const FS_NAMES: Record<number, string> = {
  0xef53: "extfs", 0x58465342: "xfs", 0x9123683e: "btrfs", 0x01021994: "tmpfs", 0x794c7630: "overlayfs",
  0x2fc12fc1: "zfs", 0x6969: "nfs",
};

async function hostFacts(root: string): Promise<EngineHost> {
  const read = (p: string): string => {
    try {
      return readFileSync(p, "utf8");
    } catch {
      return "";
    }
  };
  const osRelease = read("/etc/os-release");
  const field = (k: string): string => new RegExp(`^${k}="?([^"\\n]*)"?$`, "m").exec(osRelease)?.[1] ?? "";
  const fsType = await statfs(root).then((s) => s.type).catch(() => 0);
  return {
    engineCapabilities: parseBoundingSet(read("/proc/self/status")),
    hardLimits: parseHardLimits(read("/proc/self/limits")),
    resolvConf: read("/etc/resolv.conf"),
    backingFs: FS_NAMES[fsType] ?? `0x${fsType.toString(16)}`,
    operatingSystem: field("PRETTY_NAME") || "Linux",
    osVersion: field("VERSION_ID"),
    openFds: () => {
      try {
        return readdirSync("/proc/self/fd").length;
      } catch {
        return 0;
      }
    },
  };
}

// ---- the engine ----

export interface EngineIdentity {
  id: string;
  created: string;
}

export interface EngineOptions {
  dataRoot: string;
  log: Logger;
  /** the image store over this data root (runtime/store) */
  images: (layout: Layout) => ImageStore;
  executor?: (layout: Layout) => Executor;
  /** how to reach registries (`--insecure-registry`, transfer limits); Docker's defaults when omitted */
  registry?: Partial<RegistryOptions>;
  /** the default seccomp profile and no_new_privs of containers (hakod --seccomp-profile, --no-new-privileges) */
  security?: SecurityDefaults;
  /** the static init binary of `run --init` (default runtime/init/out/hako-init) */
  initPath?: string;
}

export class Engine {
  /** registry settings and the state registry clients share (distribution/registry/settings.ts) */
  registries: Registries = new Registries();
  /** the engine's events (events/bus.ts): subsystems publish, GET /events reads */
  events: EventBus = EventBus.inMemory();
  /** volumes (volumes/volume.ts) */
  volumes!: VolumeStore;
  /** the run options' hooks: health monitors, the exec they probe with (containers/run-hooks.ts) */
  run!: RunHooks;
  /** `docker exec` (containers/exec-manager.ts); also the health checks' probe runner */
  execs!: ExecManager;
  /** networks, endpoints and published ports (network/manager.ts) */
  networks!: NetworkManager;

  private constructor(
    readonly layout: Layout,
    readonly identity: EngineIdentity,
    readonly images: ImageStore,
    readonly containers: ContainerManager,
    readonly executor: Executor,
    readonly cgroups: Cgroups,
    readonly host: EngineHost,
    readonly log: Logger,
  ) {}

  static async open(opts: EngineOptions): Promise<Engine> {
    const layout = new Layout(opts.dataRoot);
    const { log } = opts;
    await mkdir(layout.root, { recursive: true, mode: 0o711 });
    await emptyTmp(layout);
    const identity = await loadIdentity(layout);
    const cgroups = detectCgroups();
    const host = await hostFacts(layout.root);
    const executor = opts.executor ? opts.executor(layout) : new ShimExecutor(layout);
    const images = opts.images(layout);
    const store = new ContainerStore(layout);
    const events = await EventBus.open(layout.eventsFile(), log);
    const containers = new ContainerManager({ layout, images, executor, cgroups, store, host, log, events });
    const volumes = new LocalVolumeStore(layout);
    const run = installRunHooks({ containers, volumes, store, layout, log, events,
      security: opts.security ?? defaultSecurity(), initPath: opts.initPath ?? defaultInitPath() });
    await volumes.init();
    const networks = new NetworkManager(layout, log, host);
    installNetworkHooks({ containers, networks, log, events });
    await networks.init();
    images.setInUse((imageId) => containers.imageUser(imageId));
    await images.init();
    await containers.init();
    await networks.reconcile();
    const execs = new ExecManager({ containers, layout, executor, host, log, events });
    await execs.init();
    run.setProbeRunner(execs);
    log.info("engine ready", { root: layout.root, id: identity.id.slice(0, 12), cgroups: `v${cgroups.version}`,
      containers: containers.list().length });
    const engine = new Engine(layout, identity, images, containers, executor, cgroups, host, log);
    if (opts.registry) engine.registries = new Registries(opts.registry);
    engine.events = events;
    engine.volumes = volumes;
    engine.run = run;
    engine.execs = execs;
    engine.networks = networks;
    return engine;
  }

  /**
   * Lets go of the containers' tasks (they keep running and a restart re-adopts them) and removes the engine's cgroup
   * parent when no container cgroup is left below it (the kernel refuses otherwise).
   */
  async close(): Promise<void> {
    this.containers.shutdown();
    this.execs?.shutdown();
    this.run?.health.stopAll();
    this.events.close();
    await this.cgroups.remove(this.layout.cgroupParent());
  }
}

/** tmp/ holds only what an interrupted operation left; anything mounted below it is unmounted first. */
async function emptyTmp(layout: Layout): Promise<void> {
  const tmp = layout.tmpDir();
  await mkdir(tmp, { recursive: true, mode: 0o700 });
  const entries = await readdir(tmp);
  if (entries.length === 0) return;
  for (const m of await mountsUnder(tmp)) await unmount(m);
  await Promise.all(entries.map((e) => rm(join(tmp, e), { recursive: true, force: true })));
}

async function loadIdentity(layout: Layout): Promise<EngineIdentity> {
  const file = layout.engineFile();
  try {
    const j = JSON.parse(await readFile(file, "utf8")) as EngineIdentity;
    if (/^[0-9a-f]{64}$/.test(j.id)) return j;
  } catch {
    // first start (or a torn write, which the rename below makes impossible): create it
  }
  const identity = { id: randomBytes(32).toString("hex"), created: rfc3339Nano() };
  const tmp = join(layout.tmpDir(), `engine-${randomBytes(6).toString("hex")}`);
  const fh = await open(tmp, "w", 0o644);
  try {
    await fh.writeFile(`${JSON.stringify(identity)}\n`);
    await fh.sync();
  } finally {
    await fh.close();
  }
  await rename(tmp, file);
  return identity;
}
