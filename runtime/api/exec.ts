/**
 * Exec endpoints: `POST /containers/{id}/exec` (create), `POST /exec/{id}/start` (hijacked like attach, or detached,
 * or a plain streamed answer), `POST /exec/{id}/resize`, `GET /exec/{id}/json`. Thin: containers/exec-manager.ts
 * does the work.
 *
 * A started exec's output is Docker's multiplexed stream, or the raw bytes with a tty; the client's input is the
 * process's stdin (with AttachStdin; its end closes that stdin), watched for the detach keys with a tty. The stream
 * ends once the exec's exit code is recorded, so the CLI's inspect that follows finds it. An exec that cannot start
 * (no such command …) answers with the message in the stream, as dockerd does, and shows 126/127 as its exit code.
 */
import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import { invalidArgument } from "../errors.js";
import type { ExecCreateRequest, ExecRecord } from "../containers/exec.js";
import { parseExecConfig } from "../containers/exec.js";
import type { Task } from "../oci/executor.js";
import { DetachKeyWatcher, parseDetachKeys } from "./detach-keys.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { readJson, sendJson, sendStatus, type Ctx } from "./http.js";
import { MULTIPLEXED_STREAM, muxHeader, RAW_STREAM, writeRawError, writeUpgraded, type UpgradeCtx } from "./hijack.js";

export async function createExec(ctx: Ctx): Promise<void> {
  const body = await readJson<ExecCreateRequest>(ctx.req);
  if (!body || typeof body !== "object" || Array.isArray(body)) throw invalidArgument("No exec command specified");
  const config = parseExecConfig(body);
  parseDetachKeys(config.detachKeys);
  const ex = ctx.engine.execs.create(ctx.params[0] ?? "", config);
  ctx.log.debug("exec created", { id: ex.id, container: ex.containerId });
  sendJson(ctx.res, 201, { Id: ex.id });
}

export function inspectExec(ctx: Ctx): void {
  const ex = ctx.engine.execs.get(ctx.params[0] ?? "");
  const c = ex.config;
  sendJson(ctx.res, 200, {
    CanRemove: false,
    ContainerID: ex.containerId,
    DetachKeys: c.detachKeys,
    ExitCode: ex.exitCode,
    ID: ex.id,
    OpenStderr: c.attachStderr,
    OpenStdin: c.attachStdin,
    OpenStdout: c.attachStdout,
    ProcessConfig: { arguments: c.cmd.slice(1), entrypoint: c.cmd[0] ?? "", privileged: c.privileged, tty: c.tty,
      user: c.user },
    Running: ex.running,
    Pid: ex.pid,
  });
}

export function resizeExec(ctx: Ctx): void {
  const size = (name: string): number => {
    const v = ctx.query.get(name) ?? "";
    if (!/^\d+$/.test(v) || Number(v) > 0xffff) throw invalidArgument(`strconv.Atoi: parsing "${v}": invalid syntax`);
    return Number(v);
  };
  ctx.engine.execs.resize(ctx.params[0] ?? "", size("h"), size("w"));
  sendStatus(ctx.res, 200);
}

interface StartBody {
  Detach?: unknown;
  Tty?: unknown;
}

/** The plain form: detached (200 once the process runs), or the output as a streamed answer (no stdin). */
export async function startExec(ctx: Ctx): Promise<void> {
  const body = (await readJson<StartBody>(ctx.req)) ?? {};
  const id = ctx.params[0] ?? "";
  const { exec } = ctx.engine.execs.usable(id);
  if (body.Detach === true) {
    await ctx.engine.execs.start(id);
    sendStatus(ctx.res, 200);
    return;
  }
  const { res } = ctx;
  res.writeHead(200, { "Content-Type": RAW_STREAM });
  res.flushHeaders();
  await relay(ctx, exec, res, null);
}

/** The hijacked form the docker CLI uses: the request body (Content-Length bytes) first, then stdin. */
export async function startExecUpgraded(ctx: UpgradeCtx): Promise<void> {
  const { socket } = ctx;
  try {
    const { body, rest } = await readUpgradeBody(socket, ctx.head, Number(ctx.req.headers["content-length"] ?? 0));
    let start: StartBody = {};
    if (body.length > 0) {
      try {
        start = JSON.parse(body.toString("utf8")) as StartBody;
      } catch (err) {
        throw invalidArgument(`invalid JSON: ${(err as Error).message}`);
      }
    }
    const id = ctx.params[0] ?? "";
    const { exec } = ctx.engine.execs.usable(id);
    if (start.Detach === true) {
      await ctx.engine.execs.start(id);
      socket.end("HTTP/1.1 200 OK\r\nContent-Length: 0\r\nConnection: close\r\n\r\n");
      return;
    }
    writeUpgraded(socket, exec.config.tty ? RAW_STREAM : MULTIPLEXED_STREAM);
    if (rest.length > 0) socket.unshift(rest);
    await relay(ctx, exec, socket, socket);
  } catch (err) {
    if (!socket.destroyed && socket.bytesWritten === 0) writeRawError(socket, httpStatusOf(err), messageOf(err));
    else socket.destroy();
  }
}

/**
 * Starts the exec with its output going to `out` and `input` (hijacked form) feeding its stdin; resolves when the
 * exec ended (or the client detached) and `out` is ended.
 */
async function relay(ctx: { engine: Ctx["engine"]; params: string[] }, exec: ExecRecord, out: Writable,
  input: Socket | null): Promise<void> {
  const { tty, attachStdin, attachStdout, attachStderr, detachKeys } = exec.config;
  let detached = false;
  let onDetach: () => void = () => undefined;
  const detachedByKeys = new Promise<void>((resolve) => (onDetach = resolve));
  const write = (stream: 1 | 2, data: Buffer): void => {
    if (detached || out.writableEnded || out.destroyed) return;
    if (stream === 1 ? !attachStdout : !attachStderr) return;
    out.write(tty ? data : Buffer.concat([muxHeader(stream, data.length), data]));
  };

  // input may arrive before the process exists: it waits here
  let task: Task | null = null;
  const pending: Buffer[] = [];
  let inputEnded = false;
  if (input) {
    const watcher = tty ? new DetachKeyWatcher(parseDetachKeys(detachKeys)) : null;
    input.on("data", (chunk: Buffer) => {
      if (detached) return;
      let data = chunk;
      if (watcher) {
        const r = watcher.push(chunk);
        data = r.data;
        if (r.detached) {
          detached = true;
          out.end();
          onDetach();
        }
      }
      if (!attachStdin || data.length === 0) return;
      if (task) task.writeStdin(data);
      else pending.push(data);
    });
    input.on("end", () => {
      if (!attachStdin || detached) return;
      if (task) task.closeStdin();
      else inputEnded = true;
    });
    input.resume();
  }

  let started;
  try {
    started = await ctx.engine.execs.start(exec.id, { onOutput: write });
  } catch (err) {
    // like dockerd: the answer has begun, so the error is part of the stream
    write(1, Buffer.from(`${messageOf(err)}\r\n`));
    out.end();
    return;
  }
  task = started.task;
  for (const data of pending) task.writeStdin(data);
  if (inputEnded) task.closeStdin();
  await Promise.race([started.exited, detachedByKeys]);
  if (!out.writableEnded) out.end();
}

function readUpgradeBody(socket: Socket, head: Buffer, length: number): Promise<{ body: Buffer; rest: Buffer }> {
  if (!Number.isFinite(length) || length <= head.length) {
    const n = Number.isFinite(length) ? length : 0;
    return Promise.resolve({ body: head.subarray(0, n), rest: head.subarray(n) });
  }
  return new Promise((resolve, reject) => {
    const chunks = [head];
    let got = head.length;
    const done = (): void => {
      socket.off("data", onData);
      socket.off("end", onEnd);
      socket.pause();
    };
    const onData = (c: Buffer): void => {
      chunks.push(c);
      got += c.length;
      if (got < length) return;
      done();
      const all = Buffer.concat(chunks);
      resolve({ body: all.subarray(0, length), rest: all.subarray(length) });
    };
    const onEnd = (): void => {
      done();
      reject(invalidArgument("the request body ended early"));
    };
    socket.on("data", onData);
    socket.once("end", onEnd);
  });
}
