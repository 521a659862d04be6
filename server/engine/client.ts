/**
 * The console's engine client: dockerode against the configured endpoint, and the one place where dockerode's failures
 * become ServiceErrors (the engine's own HTTP status and message are kept; a dead socket becomes Unavailable).
 */
import Docker from "dockerode";
import { ServiceError } from "../services/errors";
import { engineEndpoint, type EngineEndpoint } from "./endpoint";

/** Short, because the pages poll every two seconds; a hung engine should show as unreachable, not as a spinner. */
const REQUEST_TIMEOUT_MS = 5000;

export interface Engine {
  endpoint: EngineEndpoint;
  docker: Docker;
}

const cache = globalThis as typeof globalThis & { hakoEngine?: Engine };

export function engine(): Engine {
  if (!cache.hakoEngine) {
    const endpoint = engineEndpoint();
    cache.hakoEngine = { endpoint, docker: new Docker({ ...endpoint.options, timeout: REQUEST_TIMEOUT_MS }) };
  }
  return cache.hakoEngine;
}

/** Why a socket did not answer, in words an operator can act on. */
const unreachableReasons: Record<string, string> = {
  ENOENT: "no socket at that path",
  ECONNREFUSED: "connection refused",
  EACCES: "permission denied on the socket",
  ECONNRESET: "no answer (connection reset)",
  ETIMEDOUT: "no answer in time",
  ESOCKETTIMEDOUT: "no answer in time",
  EPIPE: "connection closed",
};

/** The engine could not be reached at all (as opposed to answering with an error). */
export class EngineUnreachable extends ServiceError {
  readonly reason: string;
  constructor(endpoint: EngineEndpoint, reason: string, cause: unknown) {
    super("Unavailable", `Engine unreachable at ${endpoint.url}: ${reason}`, { cause });
    this.reason = reason;
  }
}

interface DockerodeError {
  code?: string;
  statusCode?: number;
  json?: { message?: string } | null;
  message?: string;
}

/** Runs one engine call, translating its failure. */
export async function engineCall<T>(target: Engine, call: (docker: Docker) => Promise<T>): Promise<T> {
  try {
    return await call(target.docker);
  } catch (err) {
    throw toServiceError(target.endpoint, err as DockerodeError);
  }
}

function toServiceError(endpoint: EngineEndpoint, err: DockerodeError): ServiceError {
  const message = err.json?.message ?? err.message ?? "engine request failed";
  const reason = err.code ? unreachableReasons[err.code] : undefined;
  if (reason) return new EngineUnreachable(endpoint, reason, err);
  if (/timeout/i.test(message) && !err.statusCode) return new EngineUnreachable(endpoint, "no answer in time", err);
  switch (err.statusCode) {
    case 400: return new ServiceError("InvalidArgument", message, { cause: err });
    case 404: return new ServiceError("NotFound", message, { cause: err });
    case 409: return new ServiceError("Conflict", message, { cause: err });
    default: return new ServiceError("Unavailable", `Engine error: ${message}`, { cause: err });
  }
}
