/** The one place where an engine error kind becomes an HTTP status (runtime/errors.ts lists the kinds). */
import { EngineError, type ErrorKind } from "../errors.js";

const STATUS: Record<ErrorKind, number> = {
  NotFound: 404,
  InvalidArgument: 400,
  Conflict: 409,
  Forbidden: 403,
  // the client sent the bytes that failed verification
  DataCorruption: 400,
  Internal: 500,
};

export function httpStatusOf(err: unknown): number {
  return err instanceof EngineError ? STATUS[err.kind] : 500;
}

export function messageOf(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
