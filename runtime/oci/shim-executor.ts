/**
 * The hako-shim executor: one detached hako-shim per task (runtime/native/README.md defines its command line, start
 * handshake, socket frames and files). hakod keeps one socket connection per task and fans the output frames out to
 * its listeners; the exit frame (or, when the connection is lost, the exit file) ends the task.
 */
import { spawn } from "node:child_process";
import { closeSync, openSync } from "node:fs";
import { readFile, unlink } from "node:fs/promises";
import { connect, type Socket } from "node:net";
import { fileURLToPath } from "node:url";
import { EngineError, internal, invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import type {
  CreateTaskRequest, ExecTaskRequest, Executor, ExitStatus, OutputHandOff, OutputListener, Task,
} from "./executor.js";
import {
  encodeFrame, encodeOutputMode, encodeResize, encodeSignal, encodeSink, encodeSinkDrop, FrameDecoder, FrameType,
  OutputMode,
} from "./frames.js";

export function defaultShimPath(): string {
  return process.env.HAKO_SHIM ?? fileURLToPath(new URL("../native/out/hako-shim", import.meta.url));
}

/**
 * An external OCI runtime that does the create step for the shim (`hako-shim --runtime PATH --runtime-root ROOT`,
 * runtime/native/README.md): the shim still holds stdio, log, socket and exit record, so one code path serves both.
 */
export interface OciRuntime {
  /** the name `docker info` shows (Runtimes, DefaultRuntime), e.g. "runc" */
  name: string;
  /** the runtime's executable */
  path: string;
  /** the runtime's state directory (runc --root) */
  root: string;
}

export class ShimExecutor implements Executor {
  readonly name: string;
  /** the executable that creates containers: hako-shim itself, or the external runtime it drives */
  readonly path: string;

  constructor(private readonly layout: Layout, readonly shimPath: string = defaultShimPath(),
    readonly runtime?: OciRuntime) {
    this.name = runtime?.name ?? "hako";
    this.path = runtime?.path ?? shimPath;
  }

  async create(req: CreateTaskRequest): Promise<Task> {
    const { layout } = this;
    // an exit file left by an earlier run of this container must not be mistaken for this task's
    await unlink(layout.exitFile(req.id)).catch(() => undefined);
    const args = [
      "--bundle", req.bundle,
      "--id", req.id,
      "--socket", layout.shimSocket(req.id),
      "--log", req.logFile,
      "--exit-file", layout.exitFile(req.id),
      "--pid-file", layout.initPidFile(req.id),
    ];
    if (req.stdin) args.push("--stdin");
    if (req.tty) args.push("--tty");
    if (req.logRotation) {
      args.push("--log-max-size", String(req.logRotation.maxSize), "--log-max-files", String(req.logRotation.maxFiles));
    }
    if (this.runtime) args.push("--runtime", this.runtime.path, "--runtime-root", this.runtime.root);

    // The shim's own diagnostics go to a file: it outlives hakod, so it must not write to a pipe hakod holds.
    const errFd = openSync(layout.shimLogFile(req.id), "a");
    let line: string;
    try {
      const child = spawn(this.shimPath, args, { detached: true, stdio: ["ignore", "pipe", errFd] });
      line = await handshake(child.stdout as NodeJS.ReadableStream, child);
      child.unref();
    } finally {
      closeSync(errFd);
    }
    if (line.startsWith("error ")) throw startError(line.slice(6));
    const m = /^ready (\d+)$/.exec(line);
    if (!m) throw internal(`hako-shim: unexpected handshake ${JSON.stringify(line)}`);
    const socket = await connectShim(layout.shimSocket(req.id));
    if (!socket) throw internal("hako-shim is ready but does not accept connections");
    return new ShimTask(req.id, Number(m[1]), socket, layout.exitFile(req.id));
  }

  async adopt(id: string): Promise<Task | null> {
    const socket = await connectShim(this.layout.shimSocket(id));
    if (!socket) return null;
    const pid = Number((await readFile(this.layout.initPidFile(id), "utf8").catch(() => "0")).trim()) || 0;
    return new ShimTask(id, pid, socket, this.layout.exitFile(id));
  }

  readExit(id: string): Promise<ExitStatus | null> {
    return readExitFile(this.layout.exitFile(id));
  }

  /** `hako-shim exec` (runtime/native/README.md, "exec"): same handshake and frames as a container's shim. */
  async exec(req: ExecTaskRequest): Promise<Task> {
    const socketName = this.layout.execSocket(req.execId);
    const args = ["exec", "--pid", String(req.initPid), "--process", req.processFile, "--socket", socketName,
      "--exit-file", req.exitFile];
    if (req.seccompFile) args.push("--seccomp", req.seccompFile);
    if (req.cgroupPath) args.push("--cgroup", req.cgroupPath);
    if (req.stdin) args.push("--stdin");
    if (req.tty) args.push("--tty");
    // the `error` line says what went wrong; the shim's warnings (stderr) are not kept
    const child = spawn(this.shimPath, args, { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const line = await handshake(child.stdout as NodeJS.ReadableStream, child);
    child.unref();
    if (line.startsWith("error ")) throw execStartError(line.slice(6));
    const m = /^ready (\d+)$/.exec(line);
    if (!m) throw internal(`hako-shim exec: unexpected handshake ${JSON.stringify(line)}`);
    const socket = await connectShim(socketName);
    if (!socket) throw internal("hako-shim exec is ready but does not accept connections");
    return new ShimTask(req.execId, Number(m[1]), socket, req.exitFile);
  }

  async adoptExec(execId: string, exitFile: string): Promise<Task | null> {
    const socket = await connectShim(this.layout.execSocket(execId));
    return socket ? new ShimTask(execId, 0, socket, exitFile) : null;
  }
}

/** An exec that cannot start, in Docker's words; the user's error when it is about the command (see startError). */
function execStartError(message: string): EngineError {
  const err = startError(message);
  return new EngineError(err.kind, `OCI runtime exec failed: exec failed: unable to start container process: ${message}`);
}

/**
 * Errors from the runtime are the user's when they are about the command (Docker answers 400 then, and the CLI turns
 * "not found"/"permission denied" into exit codes 127/126).
 */
function startError(message: string): EngineError {
  const m = `failed to create task for container: ${message}`;
  const lower = message.toLowerCase();
  if (/executable file not found|no such file or directory|permission denied|not a directory/.test(lower)) {
    return invalidArgument(m);
  }
  return internal(m);
}

function handshake(stdout: NodeJS.ReadableStream, child: ReturnType<typeof spawn>): Promise<string> {
  return new Promise((resolve, reject) => {
    let buf = "";
    let done = false;
    const finish = (err: Error | null, line?: string): void => {
      if (done) return;
      done = true;
      stdout.removeAllListeners("data");
      (stdout as unknown as Socket).destroy?.();
      if (err) reject(err);
      else resolve(line ?? "");
    };
    stdout.setEncoding("utf8");
    stdout.on("data", (chunk: string) => {
      buf += chunk;
      const nl = buf.indexOf("\n");
      if (nl >= 0) finish(null, buf.slice(0, nl));
    });
    stdout.on("end", () => {
      if (buf.length > 0) finish(null, buf);
      else finish(internal("hako-shim exited without a handshake (see shim.log in the container's directory)"));
    });
    child.once("error", (err) => finish(internal(`cannot run hako-shim: ${err.message}`, err)));
  });
}

/** Connects to a shim's abstract socket; null when nobody listens there (the shim is gone). */
function connectShim(name: string): Promise<Socket | null> {
  return new Promise((resolve) => {
    const socket = connect({ path: `\0${name}` });
    const onError = (): void => {
      socket.destroy();
      resolve(null);
    };
    socket.once("error", onError);
    socket.once("connect", () => {
      socket.off("error", onError);
      socket.setNoDelay?.(true);
      resolve(socket);
    });
  });
}

export async function readExitFile(path: string): Promise<ExitStatus | null> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch {
    return null;
  }
  return parseExit(text);
}

export function parseExit(text: string): ExitStatus | null {
  try {
    const j = JSON.parse(text) as Partial<ExitStatus>;
    if (typeof j.exitCode !== "number") return null;
    return {
      exitCode: j.exitCode,
      signal: typeof j.signal === "number" ? j.signal : 0,
      oomKilled: j.oomKilled === true,
      finishedAt: typeof j.finishedAt === "string" ? j.finishedAt : new Date().toISOString(),
    };
  } catch {
    return null;
  }
}

class ShimTask implements Task {
  readonly exited: Promise<ExitStatus>;
  private readonly listeners = new Set<OutputListener>();
  private readonly decoder = new FrameDecoder(new Set([FrameType.Stdout, FrameType.Stderr]));
  private resolveExit!: (s: ExitStatus) => void;
  /** hand-offs waiting for the shim's answer, by id */
  private readonly handOffs = new Map<number, (taken: boolean) => void>();
  private done = false;
  private released = false;

  constructor(readonly id: string, readonly pid: number, private readonly socket: Socket, exitFile: string) {
    this.exited = new Promise((resolve) => (this.resolveExit = resolve));
    // No output frames until someone listens: a container nobody is attached to costs hakod nothing (its log is the
    // shim's to write). A listener gets them "patiently": the shim holds the container up rather than drop hakod
    // while a listener is slow (pauseOutput), as Docker blocks a container on a slow attach client.
    this.send(encodeOutputMode(0));
    socket.on("data", (chunk: Buffer) => this.onData(chunk));
    socket.on("error", () => undefined); // 'close' follows
    socket.on("close", () => {
      if (this.done || this.released) return;
      // The shim went away without an exit frame: it writes the exit file before closing, so look there.
      void readExitFile(exitFile).then((s) => {
        this.finish(s ?? {
          exitCode: 255,
          signal: 0,
          oomKilled: false,
          finishedAt: new Date().toISOString(),
          error: "hako-shim exited without recording the container's exit status",
        });
      });
    });
  }

  private onData(chunk: Buffer): void {
    for (const f of this.decoder.push(chunk)) {
      if (f.type === FrameType.Stdout || f.type === FrameType.Stderr) {
        for (const l of this.listeners) l(f.type, f.payload);
      } else if (f.type === FrameType.Sink && f.payload.length >= 9) {
        const id = Number(f.payload.readBigUInt64BE(1));
        this.handOffs.get(id)?.(f.payload[0] === 0);
        this.handOffs.delete(id);
      } else if (f.type === FrameType.Exit) {
        const s = parseExit(f.payload.toString("utf8"));
        this.finish(s ?? { exitCode: 255, signal: 0, oomKilled: false, finishedAt: new Date().toISOString(),
          error: "hako-shim sent an unreadable exit status" });
      }
    }
  }

  private finish(s: ExitStatus): void {
    if (this.done) return;
    this.done = true;
    this.listeners.clear();
    for (const answer of this.handOffs.values()) answer(false);
    this.handOffs.clear();
    this.socket.destroy();
    this.resolveExit(s);
  }

  private send(frame: Buffer): void {
    if (!this.done && !this.socket.destroyed) this.socket.write(frame);
  }

  start(): Promise<void> {
    this.send(encodeFrame(FrameType.Start));
    return Promise.resolve();
  }

  kill(signal: number): Promise<void> {
    if (this.done) return Promise.resolve();
    if (!this.socket.destroyed) this.socket.write(encodeSignal(signal));
    return Promise.resolve();
  }

  onOutput(listener: OutputListener): () => void {
    this.listeners.add(listener);
    if (this.listeners.size === 1) this.send(encodeOutputMode(OutputMode.On | OutputMode.Patient));
    return () => {
      if (this.listeners.delete(listener) && this.listeners.size === 0) this.send(encodeOutputMode(0));
    };
  }

  handOff(sink: OutputHandOff, answer: (taken: boolean) => void): void {
    if (this.done || this.socket.destroyed) {
      answer(false);
      return;
    }
    this.handOffs.set(sink.id, answer);
    this.send(encodeSink({ raw: sink.raw, streams: (sink.stdout ? 1 : 0) | (sink.stderr ? 2 : 0), pid: process.pid,
      fd: sink.fd, id: sink.id }));
  }

  takeBack(id: number): void {
    this.send(encodeSinkDrop(id));
  }

  pauseOutput(): void {
    if (!this.done) this.socket.pause();
  }

  resumeOutput(): void {
    if (!this.done) this.socket.resume();
  }

  writeStdin(data: Buffer): void {
    // the shim's stdin frames are bounded by its buffer; keep frames modest
    for (let off = 0; off < data.length; off += 65536) {
      this.send(encodeFrame(FrameType.Stdin, data.subarray(off, off + 65536)));
    }
  }

  closeStdin(): void {
    this.send(encodeFrame(FrameType.CloseStdin));
  }

  resize(rows: number, cols: number): void {
    this.send(encodeResize(rows, cols));
  }

  release(): void {
    this.released = true;
    this.socket.destroy();
  }
}
