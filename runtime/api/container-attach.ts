/**
 * POST /containers/{id}/attach. Two forms: the hijacked one the docker CLI uses (`Upgrade: tcp` → `101 UPGRADED`,
 * then raw bytes both ways) and the plain one (a streamed 200 answer, output only) that dockerode uses without
 * `hijack`. Output is Docker's multiplexed stream, or the raw bytes when the container has a tty.
 *
 * Attaching before start loses nothing: the client is subscribed before the answer goes out, and a task's output
 * only begins once it is started. The stream ends when the container exits (or is removed).
 *
 * The output of a hijacked connection is written by the container's shim itself, to a copy of the connection's
 * descriptor (containers/attach-relay.ts): it never passes through hakod, which keeps reading the client's input.
 */
import type { Socket } from "node:net";
import type { Writable } from "node:stream";
import type { AttachSink } from "../containers/manager.js";
import { streamLogs } from "../containers/log-files.js";
import { containerEvent } from "../events/container-events.js";
import { DetachKeyWatcher, parseDetachKeys } from "./detach-keys.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { boolParam, type Ctx } from "./http.js";
import {
  connectionDescriptor, MULTIPLEXED_STREAM, muxHeader, RAW_STREAM, writeRawError, writeUpgraded, type UpgradeCtx,
} from "./hijack.js";

/** output buffered for a client beyond which the container's output pauses (see emit) */
const OUT_BUFFER = 1 << 20;

interface AttachOptions {
  stdin: boolean;
  stdout: boolean;
  stderr: boolean;
  stream: boolean;
  logs: boolean;
  /** the detach sequence (`detachKeys`, default ctrl-p,ctrl-q); watched for only with a tty, as dockerd does */
  detachKeys: Buffer;
}

function options(q: URLSearchParams): AttachOptions {
  return {
    stdin: boolParam(q, "stdin"),
    stdout: boolParam(q, "stdout"),
    stderr: boolParam(q, "stderr"),
    stream: boolParam(q, "stream"),
    logs: boolParam(q, "logs"),
    detachKeys: parseDetachKeys(q.get("detachKeys") ?? ""),
  };
}

/**
 * Streams the container's output to `out`; `input` (hijacked form only) feeds its stdin. `onReady` sends the answer's
 * head: once the client is subscribed, or, for a hijacked connection (`direct`), just before (the executor may
 * write the output to it directly from then on; the client starts the container only after the head).
 */
async function attach(
  ctx: { engine: Ctx["engine"]; params: string[] },
  opts: AttachOptions,
  out: Writable,
  input: NodeJS.ReadableStream | null,
  onReady: (tty: boolean) => void,
  direct: Socket | null = null,
): Promise<void> {
  const containers = ctx.engine.containers;
  const ref = ctx.params[0] ?? "";
  const rec = containers.get(ref);
  const tty = rec.config.Tty;
  // Header and data go out in one writev (cork); false asks the relay to pause the container's output until the
  // client has taken what is buffered here: hakod never holds more than about OUT_BUFFER for a slow client.
  const emit = (stream: 1 | 2, data: Buffer): boolean => {
    if (out.writableEnded || out.destroyed) return true;
    if (tty) {
      out.write(data);
    } else {
      out.cork();
      out.write(muxHeader(stream, data.length));
      out.write(data);
      out.uncork();
    }
    return out.writableLength < OUT_BUFFER;
  };

  // With logs=1 all output comes from the log file, followed (stream=1) until the container stops: one reader, so
  // the join of replayed and live output can neither repeat nor lose a record. The sink then only says when.
  let ended = false;
  let onEnded: () => void = () => undefined;
  const stopped = new Promise<void>((resolve) => (onEnded = resolve));
  const sink: AttachSink = {
    stdout: opts.stdout && !opts.logs,
    stderr: opts.stderr && !opts.logs,
    write: emit,
    ...(direct && !opts.logs ? {
      handOff: () => {
        const d = connectionDescriptor(direct);
        return d ? { ...d, raw: tty, stdout: opts.stdout, stderr: opts.stderr } : null;
      },
    } : {}),
    onDrain: (done) => {
      const once = (): void => {
        out.off("drain", once);
        out.off("close", once);
        done();
      };
      out.on("drain", once);
      out.on("close", once);
    },
    end: () => {
      ended = true;
      onEnded();
      if (!opts.logs) out.end();
    },
  };
  if (direct) onReady(tty);
  const handle = opts.stream ? containers.attach(ref, sink) : null;
  out.on("close", () => handle?.detach());
  if (!direct) onReady(tty);

  if (handle && input && opts.stdin) {
    const watcher = tty ? new DetachKeyWatcher(opts.detachKeys) : null;
    let detached = false;
    input.on("data", (d: Buffer) => {
      if (detached) return;
      const r = watcher ? watcher.push(d) : { data: d, detached: false };
      if (r.data.length > 0) handle.stdin(r.data);
      if (!r.detached) return;
      // the client leaves; the container runs on
      detached = true;
      handle.detach();
      out.end();
      ctx.engine.events.publish(containerEvent(rec, "detach"));
    });
    input.on("end", () => {
      if (!detached) handle.stdinEnded();
    });
  } else if (input) {
    input.resume(); // nothing to read, but a client that goes away must be noticed
  }
  if (opts.logs) {
    const view = { stdout: opts.stdout, stderr: opts.stderr, sinceNs: 0n, untilNs: 0n, tail: -1, timestamps: false,
      multiplexed: !tty };
    await streamLogs(containers.logFile(ref), view, out, handle ? { stopped } : undefined).catch(() => undefined);
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
    }, socket);
  } catch (err) {
    if (!socket.destroyed && socket.bytesWritten === 0) writeRawError(socket, httpStatusOf(err), messageOf(err));
    else socket.destroy();
  }
}
