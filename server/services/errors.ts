/**
 * The kinds of failure a service raises, created where the failure happens. Only the edges translate them: tRPC codes
 * in ../trpc.ts, exit codes in ../cli/main.ts.
 *
 * - InvalidArgument: the request is malformed.
 * - Unauthenticated: credentials missing or wrong.
 * - PermissionDenied: the caller may not do this (now, or ever).
 * - NotFound / Conflict: the named object is missing / exists or is in a state that forbids the action.
 * - Unavailable: a dependency (the engine) cannot be reached; retrying later may work.
 * - Unsupported: the engine answered that it does not serve this request at all (an older or partial engine).
 * - ResourceExhausted: too many attempts (sign-in lockout); retrying after the time stated may work.
 *
 * `detail` is for the audit log only (e.g. "wrong password" behind a generic "Invalid username or password").
 */
export type ServiceErrorKind =
  | "InvalidArgument"
  | "Unauthenticated"
  | "PermissionDenied"
  | "NotFound"
  | "Conflict"
  | "Unavailable"
  | "Unsupported"
  | "ResourceExhausted";

export class ServiceError extends Error {
  readonly kind: ServiceErrorKind;
  readonly detail: string | undefined;

  constructor(kind: ServiceErrorKind, message: string, options?: { detail?: string; cause?: unknown }) {
    super(message, { cause: options?.cause });
    this.kind = kind;
    this.detail = options?.detail;
    this.name = `ServiceError(${kind})`;
  }
}
