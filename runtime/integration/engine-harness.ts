/**
 * A private hakod for integration tests: `bin/hakod` started as its own process with a temp data root and socket,
 * driven with the stock docker CLI (DOCKER_HOST pointing at it) or with raw HTTP over its socket. Real engine, real
 * shim, real namespaces and cgroups: it needs root.
 *
 *   const engine = await startEngine();
 *   await engine.loadBusybox();
 *   const r = await engine.docker(["run", "--rm", BUSYBOX, "echo", "hello"]);
 *   await engine.kill9(); await engine.restart();
 *   await engine.cleanup();
 */
import { spawn, type ChildProcess } from "node:child_process";
import { closeSync, openSync, readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { request as httpRequest, type IncomingHttpHeaders } from "node:http";
import { connect } from "node:net";
import { join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { busyboxOciArchive, busyboxOciLayout } from "../testing/fixtures.js";

const REPO = resolve(fileURLToPath(new URL("../..", import.meta.url)));
export const HAKOD = join(REPO, "bin", "hakod");
export const DOCKER = process.env.DOCKER_CLI ?? "/usr/local/bin/docker";
export const isRoot = process.getuid?.() === 0;

export interface CommandResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface HttpResult {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
  text: string;
  json<T = unknown>(): T;
}

export interface EngineHandle {
  /** the temp directory holding data root, socket, log and the CLI's config */
  dir: string;
  dataRoot: string;
  socket: string;
  /** DOCKER_HOST value */
  host: string;
  /** pid of the running hakod (0 when stopped) */
  pid: number;
  /** the stock docker CLI against this engine */
  docker(args: string[], opts?: { input?: string; timeoutMs?: number }): Promise<CommandResult>;
  /** one HTTP request over the engine's socket */
  request(method: string, path: string, opts?: { body?: string | Buffer; headers?: Record<string, string> }): Promise<HttpResult>;
  /** loads the busybox fixture; resolves to its name (busybox:1.38.0-glibc) */
  loadBusybox(): Promise<string>;
  /** what hakod wrote to stderr so far */
  log(): string;
  /** SIGTERM and wait (containers keep running) */
  stop(): Promise<void>;
  /** SIGKILL, no warning */
  kill9(): Promise<void>;
  /** starts hakod again on the same data root and socket (with another `--runtime` if told) */
  restart(o?: { runtime?: string }): Promise<void>;
  /** force-removes every container, stops hakod, unmounts what is left and deletes the directory */
  cleanup(): Promise<void>;
}

export function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; input?: string; timeoutMs?: number } = {}): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { env: opts.env ?? process.env, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const timer = setTimeout(() => {
      child.kill("SIGKILL");
      reject(new Error(`${cmd} ${args.join(" ")} timed out; stdout=${stdout} stderr=${stderr}`));
    }, opts.timeoutMs ?? 60_000);
    child.on("error", reject);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolvePromise({ code: code ?? -1, stdout, stderr });
    });
    child.stdin.on("error", () => undefined); // a command that exits without reading its input (EPIPE)
    child.stdin.end(opts.input ?? "");
  });
}

function canConnect(path: string): Promise<boolean> {
  return new Promise((res) => {
    const s = connect({ path });
    s.once("connect", () => {
      s.destroy();
      res(true);
    });
    s.once("error", () => res(false));
  });
}

/**
 * The OCI runtime the engines of the integration suites run containers with (`hakod --runtime`): HAKO_TEST_RUNTIME
 * (hako or runc), so that every suite can run against runc as the reference; hakod's own default when unset.
 */
export const TEST_RUNTIME = process.env.HAKO_TEST_RUNTIME || undefined;

export async function startEngine(opts: { logLevel?: string; /** more hakod flags */ args?: string[];
  /** hakod --runtime (default TEST_RUNTIME) */ runtime?: string } = {}): Promise<EngineHandle> {
  const dir = await mkdtemp("/tmp/hako-it-");
  const dataRoot = join(dir, "data");
  const socket = join(dir, "hako.sock");
  const logFile = join(dir, "hakod.log");
  const host = `unix://${socket}`;
  const env = { ...process.env, DOCKER_HOST: host, DOCKER_CONFIG: join(dir, "docker-config") };
  let child: ChildProcess | null = null;
  let exited: Promise<void> = Promise.resolve();

  const launch = async (o: { runtime?: string } = {}): Promise<void> => {
    const fd = openSync(logFile, "a");
    const runtime = o.runtime ?? opts.runtime ?? TEST_RUNTIME;
    child = spawn(HAKOD, ["--data-root", dataRoot, "--host", host, "--log-level", opts.logLevel ?? "debug",
      ...(runtime ? ["--runtime", runtime] : []), ...(opts.args ?? [])], {
      stdio: ["ignore", fd, fd],
    });
    closeSync(fd);
    const c = child;
    exited = new Promise((r) => c.once("exit", () => r()));
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      if (c.exitCode !== null) throw new Error(`hakod exited at start:\n${readFileSync(logFile, "utf8")}`);
      if (await canConnect(socket)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`hakod did not listen within 30 s:\n${readFileSync(logFile, "utf8")}`);
  };

  const handle: EngineHandle = {
    dir,
    dataRoot,
    socket,
    host,
    get pid() {
      return child && child.exitCode === null && child.signalCode === null ? (child.pid ?? 0) : 0;
    },
    docker: (args, o = {}) => run(DOCKER, args, { env, input: o.input, timeoutMs: o.timeoutMs }),
    request: (method, path, o = {}) =>
      new Promise((res, rej) => {
        const req = httpRequest({ socketPath: socket, method, path, headers: o.headers }, (r) => {
          const chunks: Buffer[] = [];
          r.on("data", (c: Buffer) => chunks.push(c));
          r.on("end", () => {
            const body = Buffer.concat(chunks);
            res({ status: r.statusCode ?? 0, headers: r.headers, body, text: body.toString(),
              json: <T>() => JSON.parse(body.toString()) as T });
          });
          r.on("error", rej);
        });
        req.on("error", rej);
        req.end(o.body);
      }),
    async loadBusybox() {
      const fixture = await busyboxOciLayout();
      const r = await handle.docker(["load", "-i", await busyboxOciArchive()]);
      if (r.code !== 0) throw new Error(`docker load failed: ${r.stderr}`);
      return fixture.name;
    },
    log: () => {
      try {
        return readFileSync(logFile, "utf8");
      } catch {
        return "";
      }
    },
    async stop() {
      if (!handle.pid) return;
      child?.kill("SIGTERM");
      await exited;
    },
    async kill9() {
      if (!handle.pid) return;
      child?.kill("SIGKILL");
      await exited;
    },
    restart: launch,
    async cleanup() {
      if (handle.pid) {
        const ids = (await handle.docker(["ps", "-aq"]).catch(() => ({ stdout: "" }))).stdout.split("\n").filter(Boolean);
        if (ids.length > 0) await handle.docker(["rm", "-f", ...ids]).catch(() => undefined);
        // user networks' bridges are host devices: they must not outlive the data root
        await handle.docker(["network", "prune", "-f"]).catch(() => undefined);
        await handle.stop();
      }
      const mounts = (await readFile("/proc/self/mounts", "utf8")).split("\n")
        .map((l) => l.split(" ")[1] ?? "").filter((m) => m.startsWith(`${dir}/`)).sort().reverse();
      for (const m of mounts) await run("umount", ["-l", m]).catch(() => undefined);
      await rm(dir, { recursive: true, force: true });
    },
  };
  await launch();
  return handle;
}
