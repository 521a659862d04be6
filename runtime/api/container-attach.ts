/**
 * POST /containers/{id}/attach. Two forms: the hijacked one the docker CLI uses (`Upgrade: tcp` → `101 UPGRADED`,
 * then raw bytes both ways) and the plain one (a streamed 200 answer, output only) that dockerode uses without
 * `hijack`. Output is Docker's multiplexed stream, or the raw bytes when the container has a tty.
 *
 * Attaching before start loses nothing: the client is subscribed before the answer goes out, and a task's output
 * only begins once it is started. The stream ends when the container exits (or is removed).
 */
import type { Writable } from "node:stream";
import type { AttachSink } from "../containers/manager.js";
import { readLogRecords } from "../containers/logs.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { boolParam, type Ctx } from "./http.js";
import { MULTIPLEXED_STREAM, muxHeader, RAW_STREAM, writeRawError, writeUpgraded, type UpgradeCtx } from "./hijack.js";

interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
}

function options(q: URLSearchParams): AttachOptions {
  return {
    stdin: boolParam(q, "stdin"),
    stdout: boolParam(q, "stdout"),
    stderr: boolParam(q, "stderr"),
    stream: boolParam(q, "stream"),
    logs: boolParam(q, "logs"),
  };
}

/**
 * Streams the container's output to `out`; `input` (hijacked form only) feeds its stdin. `onReady` runs once the client
 * is subscribed, to send the answer's head.
 */
async function attach(
  ctx: { engine: Ctx["engine"]; params: string[] },
  opts: AttachOptions,
  out: Writable,
  input: NodeJS.ReadableStream | null,
  onReady: (tty: boolean) => void,
): Promise<void> {
  const containers = ctx.engine.containers;
  const ref = ctx.params[0] ?? "";
  const rec = containers.get(ref);
  const tty = rec.config.Tty;
  const encode = (stream: 1 | 2, data: Buffer): Buffer[] => (tty ? [data] : [muxHeader(stream, data.length), data]);
  const emit = (stream: 1 | 2, data: Buffer): void => {
    if (out.writableEnded || out.destroyed) return;
    for (const b of encode(stream, data)) out.write(b);
  };

  // live output is held back while the log is replayed, so the order stays right
  let replaying = opts.logs;
  const held: Array<[1 | 2, Buffer]> = [];
  let ended = false;
  const sink: AttachSink = {
    stdout: opts.stdout,
    stderr: opts.stderr,
    write: (stream, data) => (replaying ? held.push([stream, data]) : emit(stream, data)),
    end: () => {
      ended = true;
      if (!replaying) out.end();
    },
  };
  const handle = opts.stream ? containers.attach(ref, sink) : null;
  out.on("close", () => handle?.detach());
  onReady(tty);

  if (handle && input && opts.stdin) {
    input.on("data", (d: Buffer) => handle.stdin(d));
    input.on("end", () => handle.stdinEnded());
  } else if (input) {
    input.resume(); // nothing to read, but a client that goes away must be noticed
  }
  if (opts.logs) {
    const records = await readLogRecords(containers.logFile(ref)).catch(() => []);
    for (const r of records) if (r.stream === 1 ? opts.stdout : opts.stderr) emit(r.stream, r.data);
    replaying = false;
    for (const [s, d] of held) emit(s, d);
  }
  if (!handle || ended) out.end();
}

export async function attachContainer(ctx: Ctx): Promise<void> {
  const { res } = ctx;
  await attach(ctx, options(ctx.query), res, null, (tty) => {
    res.writeHead(200, { "Content-Type": tty ? RAW_STREAM : MULTIPLEXED_STREAM });
    res.flushHeaders();
  });
}

export async function attachContainerUpgraded(ctx: UpgradeCtx): Promise<void> {
  const { socket } = ctx;
  try {
    await attach(ctx, options(ctx.query), socket, socket, (tty) => {
      writeUpgraded(socket, tty ? RAW_STREAM : MULTIPLEXED_STREAM);
      if (ctx.head.length > 0) socket.unshift(ctx.head);
    });
  } catch (err) {
    if (!socket.destroyed && socket.bytesWritten === 0) writeRawError(socket, httpStatusOf(err), messageOf(err));
    else socket.destroy();
  }
}
