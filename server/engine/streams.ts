/**
 * Reading the engine's long-lived streams (logs follow, stats, events) from an async generator that a tRPC
 * subscription returns: the stream ends when the client goes away, and its failures become ServiceErrors.
 */
import { engineError, type Engine } from "./client";

type EngineStream = NodeJS.ReadableStream & { destroy?: (error?: Error) => void };

/**
 * The chunks of `stream` until it ends or `signal` aborts (then it is destroyed and iteration stops quietly: the
 * reader is gone). An engine-side failure mid-stream is thrown as a ServiceError.
 */
export async function* chunksOf(target: Engine, stream: EngineStream, signal: AbortSignal | undefined): AsyncGenerator<Buffer> {
  const abort = () => stream.destroy?.();
  signal?.addEventListener("abort", abort, { once: true });
  try {
    for await (const chunk of stream as AsyncIterable<Buffer | string>) {
      yield typeof chunk === "string" ? Buffer.from(chunk) : chunk;
    }
  } catch (err) {
    if (signal?.aborted) return;
    throw engineError(target, err);
  } finally {
    signal?.removeEventListener("abort", abort);
    abort();
  }
}

/**
 * Newline-delimited JSON documents (the events and stats streams), parsed; a line that is not JSON is skipped.
 * `prepare` may rewrite a line first (e.g. quote a number too big for a double).
 */
export async function* jsonDocumentsOf<T>(chunks: AsyncIterable<Buffer>, prepare: (line: string) => string = (line) => line): AsyncGenerator<T> {
  let pending = "";
  for await (const chunk of chunks) {
    pending += chunk.toString("utf8");
    let nl: number;
    while ((nl = pending.indexOf("\n")) >= 0) {
      const line = pending.slice(0, nl).trim();
      pending = pending.slice(nl + 1);
      const doc = parseJson<T>(prepare(line));
      if (doc !== undefined) yield doc;
    }
  }
  const last = parseJson<T>(prepare(pending.trim()));
  if (last !== undefined) yield last;
}

function parseJson<T>(text: string): T | undefined {
  if (!text) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}
