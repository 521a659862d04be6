/**
 * Helpers for the observation tests (logs, events, stats, df): a docker CLI process that keeps running (`logs -f`,
 * `events`, `run -i`) whose output is watched as it comes, and a raw streaming request over the engine's socket.
 */
import { spawn, type ChildProcessWithoutNullStreams } from "node:child_process";
import { request } from "node:http";
import { join } from "node:path";
import { DOCKER, type EngineHandle } from "./engine-harness.js";

export interface LiveCommand {
  proc: ChildProcessWithoutNullStreams;
  stdout(): string;
  stderr(): string;
  /** resolves once stdout contains `text` (rejects when the command ends first or after `timeoutMs`) */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** the exit code, once it has ended */
  exited: Promise<number>;
  stop(): void;
}

export function spawnDocker(engine: EngineHandle, args: string[]): LiveCommand {
  const proc = spawn(DOCKER, args, {
    env: { ...process.env, DOCKER_HOST: engine.host, DOCKER_CONFIG: join(engine.dir, "docker-config") },
  });
  let out = "";
  let err = "";
  let ended = false;
  proc.stdout.on("data", (d: Buffer) => (out += d.toString()));
  proc.stderr.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number>((resolve) => proc.on("close", (code) => {
    ended = true;
    resolve(code ?? -1);
  }));
  const has = (t: string | RegExp): boolean => (typeof t === "string" ? out.includes(t) : t.test(out));
  return {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    stop: () => {
      if (!ended) proc.kill("SIGKILL");
    },
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      while (!has(text)) {
        if (ended && !has(text)) throw new Error(`docker ${args.join(" ")} ended without ${text}: ${out} ${err}`);
        if (Date.now() > deadline) throw new Error(`no ${text} from docker ${args.join(" ")}: ${out} ${err}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}

/** Reads a streaming answer (e.g. stats, events) line by line until `enough` says so; then closes the connection. */
export function streamLines(engine: EngineHandle, path: string, enough: (lines: string[]) => boolean,
  timeoutMs = 30_000): Promise<{ status: number; lines: string[] }> {
  return new Promise((resolve, reject) => {
    const lines: string[] = [];
    let buf = "";
    const timer = setTimeout(() => {
      req.destroy();
      reject(new Error(`GET ${path}: not enough after ${timeoutMs} ms: ${lines.join("\n")}`));
    }, timeoutMs);
    const req = request({ socketPath: engine.socket, method: "GET", path }, (res) => {
      const done = (): void => {
        clearTimeout(timer);
        req.destroy();
        resolve({ status: res.statusCode ?? 0, lines });
      };
      res.on("data", (d: Buffer) => {
        buf += d.toString();
        let nl: number;
        while ((nl = buf.indexOf("\n")) >= 0) {
          lines.push(buf.slice(0, nl));
          buf = buf.slice(nl + 1);
        }
        if (enough(lines)) done();
      });
      res.on("end", done);
    });
    req.on("error", (err) => {
      clearTimeout(timer);
      reject(err);
    });
    req.end();
  });
}

/** Docker's multiplexed stream → the text of each stream. */
export function demux(buf: Buffer): { stdout: string; stderr: string } {
  const out = { stdout: "", stderr: "" };
  let off = 0;
  while (off + 8 <= buf.length) {
    const len = buf.readUInt32BE(off + 4);
    const data = buf.subarray(off + 8, off + 8 + len).toString();
    if (buf[off] === 2) out.stderr += data;
    else out.stdout += data;
    off += 8 + len;
  }
  return out;
}

/**
 * Polls `check` every 100 ms until it holds, and fails after `timeoutMs` (30 s by default: a loaded machine is slow,
 * a broken engine must still fail). A check that throws counts as not holding yet.
 */
export async function until(check: () => Promise<boolean>, timeoutMs = 30_000, what = "condition"): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (!(await check().catch((err: unknown) => ((last = err), false)))) {
    if (Date.now() > deadline) {
      throw new Error(`${what} not met within ${timeoutMs / 1000} s${last ? ` (last error: ${(last as Error).message})` : ""}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}
