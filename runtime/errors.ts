/**
 * The kinds of failure hakod raises. A failure is created where it happens with a message in Docker's wording
 * ("No such image: busybox:latest"); only the API edge (api/errors-http.ts) turns a kind into an HTTP status.
 *
 * - NotFound: the named object does not exist (404).
 * - InvalidArgument: the request itself is malformed or refers to something in a wrong form (400).
 * - Conflict: the object exists but its state forbids the action, or a name is taken (409).
 * - Forbidden: the action is never allowed on this object as it stands, where dockerd answers 403 (removing a
 *   pre-defined network, or one with active endpoints).
 * - DataCorruption: content failed verification (digest mismatch, hostile archive); nothing was stored (400 at the
 *   edge when it came from the client, since the client sent the bad bytes).
 * - Internal: anything else (500).
 */
export type ErrorKind = "NotFound" | "InvalidArgument" | "Conflict" | "Forbidden" | "DataCorruption" | "Internal";

export class EngineError extends Error {
  readonly kind: ErrorKind;
  constructor(kind: ErrorKind, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.kind = kind;
    this.name = `EngineError(${kind})`;
  }
}

export const notFound = (message: string): EngineError => new EngineError("NotFound", message);
export const invalidArgument = (message: string): EngineError => new EngineError("InvalidArgument", message);
export const conflict = (message: string): EngineError => new EngineError("Conflict", message);
export const forbidden = (message: string): EngineError => new EngineError("Forbidden", message);
export const dataCorruption = (message: string): EngineError => new EngineError("DataCorruption", message);
export const internal = (message: string, cause?: unknown): EngineError =>
  new EngineError("Internal", message, { cause });

export function isKind(err: unknown, kind: ErrorKind): boolean {
  return err instanceof EngineError && err.kind === kind;
}
