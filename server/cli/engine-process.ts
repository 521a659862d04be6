/**
 * hakod as a child of `hako up`: started with the given data root and socket, considered up once /_ping answers, and
 * stopped with SIGTERM (hakod leaves containers running; their shims keep them alive). If an engine already answers
 * on the socket, it is used as is and left alone on exit.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import Docker from "dockerode";
import { engineEndpoint } from "../engine/endpoint";
import { CliError } from "./errors";

const START_TIMEOUT_MS = 30_000;
const STOP_TIMEOUT_MS = 10_000;

export interface EngineProcess {
  /** true when this process started hakod (and so stops it) */
  owned: boolean;
  /** resolves with the exit code if hakod exits on its own */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export async function pingEngine(host: string): Promise<boolean> {
  try {
    await new Docker({ ...engineEndpoint(host).options, timeout: 1000 }).ping();
    return true;
  } catch {
    return false;
  }
}

export async function startEngine(repo: string, dataRoot: string, host: string): Promise<EngineProcess> {
  if (await pingEngine(host)) {
    console.log(`An engine already answers at ${host}; using it.`);
    return { owned: false, exited: new Promise(() => {}), stop: async () => {} };
  }
  const child = spawn(join(repo, "bin", "hakod"), ["--data-root", dataRoot, "--host", host], { stdio: "inherit" });
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const failedToSpawn = new Promise<never>((_, reject) => child.once("error", reject));
  failedToSpawn.catch(() => undefined); // observed by the race below; a later "error" must not crash the process

  const deadline = Date.now() + START_TIMEOUT_MS;
  let running = true;
  void exited.then(() => (running = false));
  while (!(await Promise.race([pingEngine(host), failedToSpawn]))) {
    if (!running) throw new CliError(`hakod exited with code ${await exited} before answering at ${host}`);
    if (Date.now() > deadline) {
      await stopChild(child, exited);
      throw new CliError(`hakod did not answer at ${host} within ${START_TIMEOUT_MS / 1000} s`);
    }
    await sleep(100);
  }
  return { owned: true, exited, stop: () => stopChild(child, exited) };
}

async function stopChild(child: ChildProcess, exited: Promise<number | null>): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill("SIGTERM");
  const timeout = sleep(STOP_TIMEOUT_MS).then(() => "timeout" as const);
  if ((await Promise.race([exited, timeout])) === "timeout") {
    console.error(`hakod did not stop within ${STOP_TIMEOUT_MS / 1000} s; killing it.`);
    child.kill("SIGKILL");
    await exited;
  }
}
