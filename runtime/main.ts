/**
 * hakod: the engine process. Serves the Docker Engine API on a unix socket until SIGTERM/SIGINT; containers keep
 * running when it stops (their shims hold them) and are re-adopted by the next start.
 *
 *   hakod [--data-root DIR] [--host unix:///PATH.sock] [--log-level debug|info|warn|error]
 *         [--insecure-registry HOST[:PORT]|CIDR]… [--max-concurrent-downloads N] [--max-concurrent-uploads N]
 *
 *         [--runtime hako|runc]
 *
 * Environment: HAKO_DATA_ROOT, HAKO_HOST, HAKO_LOG_LEVEL, HAKO_RUNTIME (flags win).
 */
import { pathToFileURL } from "node:url";
import { createApiServer, listenUnix } from "./api/server.js";
import { ENGINE_VERSION } from "./api/system.js";
import { createLogger, Engine, parseLogLevel } from "./engine.js";
import { LocalImageStore } from "./store/local-image-store.js";
import { loadSecurityDefaults } from "./security/container-security.js";
import { parseRuntimeName, RuntimeExecutor, type RuntimeName } from "./oci/runtimes.js";
import { Registries, type RegistryOptions } from "./distribution/registry/settings.js";

export interface HakodOptions {
  dataRoot: string;
  socketPath: string;
  logLevel: string;
  /** registry settings given as flags (absent: Docker's defaults) */
  registry?: Partial<RegistryOptions>;
  /** containers' default seccomp profile: a Docker-format profile file, or "unconfined" (absent: the built-in one) */
  seccompProfile?: string;
  /** no_new_privs for every container that does not choose (dockerd --no-new-privileges) */
  noNewPrivileges?: boolean;
  /** the OCI runtime of containers started from now on (absent: hako, i.e. hako-shim itself); oci/runtimes.ts */
  runtime?: RuntimeName;
}

const USAGE = `Usage: hakod [--data-root DIR] [--host unix:///PATH.sock] [--log-level LEVEL]

  --data-root DIR     where images and containers live (default /var/lib/hako; env HAKO_DATA_ROOT)
  -H, --host ADDR     the API socket, unix:///path (default unix:///run/hako/hako.sock; env HAKO_HOST)
  --log-level LEVEL   debug, info, warn or error (default info; env HAKO_LOG_LEVEL)
  --insecure-registry HOST[:PORT]|CIDR
                      a registry reached over plain HTTP besides loopback (repeatable)
  --max-concurrent-downloads N   layers downloaded at once per pull (default 3)
  --max-concurrent-uploads N     layers uploaded at once per push (default 5)
  --seccomp-profile FILE|unconfined
                      containers' default seccomp profile (Docker's format; default: the built-in allow-list)
  --no-new-privileges containers get no_new_privs unless they say otherwise
  --runtime hako|runc the OCI runtime that creates new containers: hako-shim itself, or runc driven by hako-shim
                      (default hako; env HAKO_RUNTIME; runc from PATH or HAKO_RUNC)
  -v, --version       print the version
`;

export function parseArgs(argv: string[], env: Record<string, string | undefined>): HakodOptions | "help" | "version" {
  let dataRoot = env.HAKO_DATA_ROOT || "/var/lib/hako";
  let host = env.HAKO_HOST || "unix:///run/hako/hako.sock";
  let logLevel = env.HAKO_LOG_LEVEL || "info";
  let runtime = env.HAKO_RUNTIME || undefined;
  const registry: Partial<RegistryOptions> = {};
  const security: Pick<HakodOptions, "seccompProfile" | "noNewPrivileges"> = {};
  const positive = (flag: string, v: string): number => {
    if (!/^[1-9]\d*$/.test(v)) throw new Error(`${flag} needs a positive number, not ${JSON.stringify(v)}`);
    return Number(v);
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const eq = arg.indexOf("=");
    const flag = arg.startsWith("--") && eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (arg.startsWith("--") && eq > 0) return arg.slice(eq + 1);
      const v = argv[++i];
      if (v === undefined) throw new Error(`flag needs an argument: ${flag}`);
      return v;
    };
    switch (flag) {
      case "--data-root": dataRoot = value(); break;
      case "-H":
      case "--host": host = value(); break;
      case "--log-level":
      case "-l": logLevel = value(); break;
      case "--insecure-registry": registry.insecureRegistries = [...(registry.insecureRegistries ?? []), value()]; break;
      case "--max-concurrent-downloads": registry.maxConcurrentDownloads = positive(flag, value()); break;
      case "--max-concurrent-uploads": registry.maxConcurrentUploads = positive(flag, value()); break;
      case "--seccomp-profile": security.seccompProfile = value(); break;
      case "--no-new-privileges": security.noNewPrivileges = true; break;
      case "--runtime": runtime = value(); break;
      case "-h":
      case "--help": return "help";
      case "-v":
      case "--version": return "version";
      default: throw new Error(`unknown flag: ${arg}`);
    }
  }
  parseLogLevel(logLevel);
  if (registry.insecureRegistries) new Registries(registry); // refuses malformed entries now, not at the first pull
  return { dataRoot, socketPath: socketPathOf(host), logLevel, ...(Object.keys(registry).length > 0 ? { registry } : {}),
    ...security, ...(runtime !== undefined ? { runtime: parseRuntimeName(runtime) } : {}) };
}

/** `unix:///run/hako/hako.sock` → `/run/hako/hako.sock` (a bare absolute path is accepted too). */
export function socketPathOf(host: string): string {
  if (host.startsWith("unix://")) {
    const p = host.slice("unix://".length);
    if (p.startsWith("/")) return p;
  } else if (host.startsWith("/")) {
    return host;
  }
  throw new Error(`unsupported --host ${host}: hakod listens on a unix socket (unix:///path/to/hako.sock)`);
}

async function main(): Promise<void> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(process.argv.slice(2), process.env);
  } catch (err) {
    process.stderr.write(`hakod: ${(err as Error).message}\n\n${USAGE}`);
    process.exit(2);
  }
  if (parsed === "help") return void process.stdout.write(USAGE);
  if (parsed === "version") return void process.stdout.write(`hakod ${ENGINE_VERSION}\n`);
  if (process.getuid?.() !== 0) process.stderr.write("hakod: warning: not running as root; containers will not start\n");

  const log = createLogger(parseLogLevel(parsed.logLevel));
  const engine = await Engine.open({ dataRoot: parsed.dataRoot, log, images: (layout) => new LocalImageStore(layout),
    registry: parsed.registry, security: await loadSecurityDefaults(parsed),
    executor: (layout) => new RuntimeExecutor(layout, parsed.runtime ?? "hako") });
  const server = createApiServer(engine);
  await listenUnix(server, parsed.socketPath);
  log.info("hakod listening", { host: `unix://${parsed.socketPath}`, version: ENGINE_VERSION, pid: process.pid });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info("hakod stopping; containers keep running", { signal });
    // exit once both the API server and the engine have closed (the engine removes its idle cgroup parent, for one),
    // or after 2 s whatever is still pending
    const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    void Promise.allSettled([serverClosed, engine.close()]).then(() => process.exit(0));
    setTimeout(() => process.exit(0), 2000).unref();
  };
  process.on("SIGTERM", () => stop("SIGTERM"));
  process.on("SIGINT", () => stop("SIGINT"));
}

// run when executed (bin/hakod), not when a test imports parseArgs
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((err: unknown) => {
    process.stderr.write(`hakod: ${(err as Error)?.stack ?? String(err)}\n`);
    process.exit(1);
  });
}
