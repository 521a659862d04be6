/**
 * hakod: the engine process. Serves the Docker Engine API on a unix socket until SIGTERM/SIGINT; containers keep
 * running when it stops (their shims hold them) and are re-adopted by the next start.
 *
 *   hakod [--data-root DIR] [--host unix:///PATH.sock] [--log-level debug|info|warn|error]
 *
 * Environment: HAKO_DATA_ROOT, HAKO_HOST, HAKO_LOG_LEVEL (flags win).
 */
import { pathToFileURL } from "node:url";
import { createApiServer, listenUnix } from "./api/server.js";
import { ENGINE_VERSION } from "./api/system.js";
import { createLogger, Engine, parseLogLevel } from "./engine.js";
import { LocalImageStore } from "./store/local-image-store.js";

export interface HakodOptions {
  dataRoot: string;
  socketPath: string;
  logLevel: string;
}

const USAGE = `Usage: hakod [--data-root DIR] [--host unix:///PATH.sock] [--log-level LEVEL]

  --data-root DIR     where images and containers live (default /var/lib/hako; env HAKO_DATA_ROOT)
  -H, --host ADDR     the API socket, unix:///path (default unix:///run/hako/hako.sock; env HAKO_HOST)
  --log-level LEVEL   debug, info, warn or error (default info; env HAKO_LOG_LEVEL)
  -v, --version       print the version
`;

export function parseArgs(argv: string[], env: Record<string, string | undefined>): HakodOptions | "help" | "version" {
  let dataRoot = env.HAKO_DATA_ROOT || "/var/lib/hako";
  let host = env.HAKO_HOST || "unix:///run/hako/hako.sock";
  let logLevel = env.HAKO_LOG_LEVEL || "info";
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
      case "-h":
      case "--help": return "help";
      case "-v":
      case "--version": return "version";
      default: throw new Error(`unknown flag: ${arg}`);
    }
  }
  parseLogLevel(logLevel);
  return { dataRoot, socketPath: socketPathOf(host), logLevel };
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
  const engine = await Engine.open({ dataRoot: parsed.dataRoot, log, images: (layout) => new LocalImageStore(layout) });
  const server = createApiServer(engine);
  await listenUnix(server, parsed.socketPath);
  log.info("hakod listening", { host: `unix://${parsed.socketPath}`, version: ENGINE_VERSION, pid: process.pid });

  let stopping = false;
  const stop = (signal: string): void => {
    if (stopping) return;
    stopping = true;
    log.info("hakod stopping; containers keep running", { signal });
    server.close(() => process.exit(0));
    server.closeAllConnections();
    void engine.close().finally(() => process.exit(0));
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
