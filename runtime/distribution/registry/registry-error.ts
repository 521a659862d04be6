/**
 * Failures a registry reports, in the registry's own words: the error body of the distribution spec
 * (`{"errors": [{"code": "MANIFEST_UNKNOWN", "message": "manifest unknown", …}]}`) turned into the engine's kinds.
 * `status` keeps the registry's HTTP status for the edge that needs it (`POST /auth` answers 401 on a refused login).
 */
import { EngineError, type ErrorKind } from "../../errors.js";

export class RegistryError extends EngineError {
  constructor(
    kind: ErrorKind,
    message: string,
    /** the registry's HTTP status, 0 when it never answered */
    readonly status: number,
    /** the first error code of the registry's body, e.g. "UNAUTHORIZED", "MANIFEST_UNKNOWN" */
    readonly code?: string,
  ) {
    super(kind, message);
  }

  get unauthorized(): boolean {
    return this.status === 401 || this.code === "UNAUTHORIZED";
  }
}

interface ErrorBody {
  errors?: Array<{ code?: string; message?: string; detail?: unknown }>;
  details?: string;
  message?: string;
  error?: string;
}

/** `manifest unknown: manifest unknown`, as Docker prints a registry error; the status text when the body says nothing. */
export function registryReason(status: number, statusText: string, body: string): { reason: string; code?: string } {
  try {
    const j = JSON.parse(body) as ErrorBody;
    const first = j.errors?.[0];
    if (first?.code || first?.message) {
      const code = first.code ?? "";
      const detail = typeof first.detail === "string" && first.detail && first.detail !== first.message ? `: ${first.detail}` : "";
      return { reason: `${code.toLowerCase().replace(/_/g, " ")}: ${first.message ?? ""}${detail}`, code };
    }
    const text = j.details ?? j.message ?? j.error;
    if (typeof text === "string" && text) return { reason: text };
  } catch {
    // not JSON: the status says it
  }
  const plain = body.trim().split("\n")[0]?.slice(0, 200) ?? "";
  return { reason: plain && !plain.startsWith("<") ? `${status} ${statusText}: ${plain}` : `${status} ${statusText}` };
}

/** The kind a registry status maps to when nothing more specific applies. */
export function kindOfStatus(status: number): ErrorKind {
  if (status === 404) return "NotFound";
  if (status === 401 || status === 403) return "NotFound"; // Docker answers "pull access denied" with 404
  if (status >= 400 && status < 500) return "InvalidArgument";
  return "Internal";
}
