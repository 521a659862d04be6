/**
 * What hakod's main thread and an unpack worker (unpack-worker.ts) say to each other. A worker runs any number of
 * **jobs** (one per layer being downloaded), each named by an id the main thread picks.
 *
 * Main → worker: `start` (unpack into `dir`), `data` (the next run of the blob, its ArrayBuffer transferred),
 * `end` (the blob is complete and verified), `abort` (stop; the main thread removes `dir`).
 * Worker → main: `taken` (the unpacker took a run: the bytes no longer count against the download's in-flight
 * bound), then exactly one of `done` or `failed`.
 */
import { EngineError, type ErrorKind } from "../../errors.js";

export type ToWorker =
  | { type: "start"; id: number; dir: string; label: string }
  | { type: "data"; id: number; run: Uint8Array }
  | { type: "end"; id: number }
  | { type: "abort"; id: number };

export type FromWorker =
  | { type: "taken"; id: number; bytes: number }
  | { type: "done"; id: number; diffId: string; size: number }
  | { type: "failed"; id: number; error: SentError };

/** An error as it crosses threads: the kind (EngineError) or errno code (fs errors) survives with the message. */
export interface SentError {
  message: string;
  kind?: ErrorKind;
  code?: string;
}

export function sendableError(err: unknown): SentError {
  if (err instanceof EngineError) return { message: err.message, kind: err.kind };
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return { message: err instanceof Error ? err.message : String(err), ...(typeof code === "string" ? { code } : {}) };
}

/** The error again, on the receiving thread: same kind and message as if it had been thrown there. */
export function receivedError(sent: SentError): Error {
  if (sent.kind) return new EngineError(sent.kind, sent.message);
  return sent.code ? Object.assign(new Error(sent.message), { code: sent.code }) : new Error(sent.message);
}
