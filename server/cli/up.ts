/**
 * `hako up`: engine and console in the foreground, for a host where Hako runs on its own. Order matters: the engine
 * first (the console is useless without it), then the database (migrations), then the console's HTTP server.
 */
import { join, resolve } from "node:path";
import { parseArgs } from "node:util";
import { closeDatabase, openDatabase } from "../db";
import { engine as consoleEngine } from "../engine/client";
import { DEFAULT_ENGINE_HOST } from "../engine/endpoint";
import { needsSetup } from "../services/auth/setup";
import { startEngineAuditWatcher } from "../services/engine-audit/engine-audit-watcher";
import { startTagWatcher } from "../services/images/tag-watcher";
import { ensureBuild, startConsole, type ConsoleServer } from "./console-server";
import { startEngine, type EngineProcess } from "./engine-process";
import { repoRoot } from "./repo";
import { UsageError } from "./errors";

export async function up(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      "data-root": { type: "string", default: "/var/lib/hako" },
      host: { type: "string", default: process.env.HAKO_HOST || DEFAULT_ENGINE_HOST },
      port: { type: "string", default: process.env.PORT || "3000" },
      hostname: { type: "string", default: "0.0.0.0" },
    },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new UsageError(`--port must be a port number, not ${values.port}`);
  const dataRoot = resolve(values["data-root"]);
  // The console's code (in this process and inside Next.js) reads its configuration from the environment.
  process.env.HAKO_HOST = values.host;
  process.env.HAKO_CONSOLE_DATA ||= join(dataRoot, "console");

  ensureBuild(repoRoot);
  const engine = await startEngine(repoRoot, dataRoot, values.host);
  let console_: ConsoleServer | undefined;
  try {
    const firstRun = await migrate();
    console_ = await startConsole(repoRoot, values.hostname, port);
    announce(values.hostname, console_.port, values.host, dataRoot, firstRun);
    // Tag changes made on the engine's socket (docker tag, pull, build, load) go into the tag history.
    const stopWatcher = startTagWatcher(await openDatabase(), consoleEngine());
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stopWatcher);
    // Actions taken directly on the engine's socket (docker CLI) go into the audit log as `engine-socket`.
    const stopAuditWatcher = startEngineAuditWatcher(await openDatabase(), consoleEngine());
    for (const signal of ["SIGINT", "SIGTERM"] as const) process.once(signal, stopAuditWatcher);
  } catch (err) {
    await closeDatabase();
    await engine.stop();
    throw err;
  }
  await untilStopped(engine, console_);
}

/**
 * Applies pending migrations (openDatabase does) and says whether the console still needs its first admin. The client
 * stays open: it is the process's one client, which the console's request handlers share.
 */
async function migrate(): Promise<boolean> {
  return needsSetup(await openDatabase());
}

function announce(hostname: string, port: number, host: string, dataRoot: string, firstRun: boolean): void {
  const shown = hostname === "0.0.0.0" || hostname === "::" ? "localhost" : hostname;
  const url = `http://${shown}:${port}`;
  console.log(`\nHako is up.\n  Console: ${url}\n  Engine:  ${host} (data root ${dataRoot})`);
  if (firstRun) {
    console.log(`\nNo admin yet. Create one with\n  hako admin create --username admin --password-stdin\nor open ${url}/setup`);
  }
  console.log("\nCtrl-C stops the console and the engine; containers keep running.");
}

function untilStopped(engine: EngineProcess, server: ConsoleServer): Promise<void> {
  return new Promise((done) => {
    let stopping = false;
    const stop = async (reason: string, code: number) => {
      if (stopping) return;
      stopping = true;
      console.log(`\n${reason}; stopping the console and the engine…`);
      await server.close();
      await closeDatabase();
      await engine.stop();
      process.exitCode = code;
      done();
    };
    process.once("SIGINT", () => void stop("SIGINT", 0));
    process.once("SIGTERM", () => void stop("SIGTERM", 0));
    void engine.exited.then((code) => stop(`hakod exited (code ${code})`, 1));
  });
}
