/**
 * The stack under test: `bin/hako up` with its own temporary data root, engine socket, console database and port, so a
 * run never touches /var/lib/hako or another hakod. Global setup starts it and hands its addresses to the tests through
 * environment variables (Playwright's workers inherit them).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { createWriteStream, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { fileURLToPath } from "node:url";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

const START_TIMEOUT_MS = 240_000; // includes a first `next build` when the checkout has none
const STOP_TIMEOUT_MS = 20_000;

export interface Stack {
  dir: string;
  consoleUrl: string;
  engineHost: string;
  /** the console's database, for `hako user create` and for reading the audit log in tests */
  databaseUrl: string;
  consoleData: string;
  /** the hakod that `hako up` started (its only child process once the console is up) */
  enginePid: number;
  stop(): Promise<void>;
}

export async function startStack(): Promise<Stack> {
  const dir = mkdtempSync("/tmp/hako-e2e-");
  const port = await freePort();
  const engineHost = `unix://${join(dir, "hako.sock")}`;
  const consoleUrl = `http://127.0.0.1:${port}`;
  const consoleData = join(dir, "console");
  const databaseUrl = `file:${join(consoleData, "hako.db")}`;
  mkdirSync(consoleData, { mode: 0o700 });
  const logPath = join(dir, "hako-up.log");
  const log = createWriteStream(logPath);
  const child = spawn(
    join(repoRoot, "bin", "hako"),
    ["up", "--data-root", join(dir, "data"), "--host", engineHost, "--port", String(port), "--hostname", "127.0.0.1"],
    {
      // A small build context limit, so that e2e/builds.spec.ts can go over it without uploading hundreds of MiB.
      env: { ...process.env, DATABASE_URL: databaseUrl, HAKO_CONSOLE_DATA: consoleData, HAKO_BUILD_CONTEXT_LIMIT: process.env.HAKO_BUILD_CONTEXT_LIMIT ?? "8m" },
      stdio: ["ignore", "pipe", "pipe"],
    },
  );
  child.stdout?.pipe(log);
  child.stderr?.pipe(log);
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));

  try {
    await untilAnswering(consoleUrl, exited);
  } catch (err) {
    await stopChild(child, exited);
    throw new Error(`${(err as Error).message}\n--- ${logPath} ---\n${readFileSync(logPath, "utf8").slice(-4000)}`);
  }
  return {
    dir,
    consoleUrl,
    engineHost,
    databaseUrl,
    consoleData,
    enginePid: onlyChildOf(child.pid ?? 0),
    stop: async () => {
      await stopChild(child, exited);
      log.end();
      if (!process.env.HAKO_E2E_KEEP) rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function untilAnswering(url: string, exited: Promise<number | null>): Promise<void> {
  let gone: number | null | undefined;
  void exited.then((code) => (gone = code));
  const deadline = Date.now() + START_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (gone !== undefined) throw new Error(`hako up exited with code ${gone} before the console answered`);
    try {
      const res = await fetch(`${url}/api/trpc/auth.status`);
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  throw new Error(`the console did not answer at ${url} within ${START_TIMEOUT_MS / 1000} s`);
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timedOut = await Promise.race([exited.then(() => false), sleep(STOP_TIMEOUT_MS).then(() => true)]);
  if (timedOut) {
    child.kill("SIGKILL");
    await exited;
  }
}

function onlyChildOf(pid: number): number {
  const children = readFileSync(`/proc/${pid}/task/${pid}/children`, "utf8").trim().split(/\s+/).filter(Boolean);
  if (children.length !== 1) throw new Error(`expected hako up (${pid}) to have one child, hakod; found ${children.join(", ") || "none"}`);
  return Number(children[0]);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
    });
  });
}
