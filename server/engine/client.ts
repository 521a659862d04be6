/**
 * The console's engine client: dockerode against the configured endpoint, and the one place where dockerode's failures
 * become ServiceErrors (the engine's own HTTP status and message are kept; a dead socket becomes Unavailable).
 */
import Docker from "dockerode";
import { consoleOriginHeaders } from "../services/engine-audit/console-origin";
import { ServiceError } from "../services/errors";
import { engineEndpoint, type EngineEndpoint } from "./endpoint";

/** Short, because the pages poll every two seconds; a hung engine should show as unreachable, not as a spinner. */
const REQUEST_TIMEOUT_MS = 5000;

export interface Engine {
  endpoint: EngineEndpoint;
  /** for requests that answer at once: a hung engine fails them in REQUEST_TIMEOUT_MS */
  docker: Docker;
  /**
   * No request timeout: for streams that may stay quiet for long (logs follow, stats, events, a terminal) and for
   * actions that wait by design (stop and restart wait out the stop timeout). Their callers bound them instead.
   */
  patient: Docker;
}

const cache = globalThis as typeof globalThis & { hakoEngine?: Engine };

/** The configured engine (HAKO_HOST), one per process. */
export function engine(): Engine {
  cache.hakoEngine ??= connectEngine(engineEndpoint());
  return cache.hakoEngine;
}

/** A client for any endpoint (tests use their own engine). Nothing connects until the first request. */
export function connectEngine(endpoint: EngineEndpoint): Engine {
  return {
    endpoint,
    // Inside a console request every call names it (see consoleOriginHeaders), so its events are known as the console's.
    docker: new Docker({ ...endpoint.options, timeout: REQUEST_TIMEOUT_MS, headers: consoleOriginHeaders }),
    patient: new Docker({ ...endpoint.options, headers: consoleOriginHeaders }),
  };
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

/** docker-modem words an engine error "(HTTP code 404) no such container - No such container: x "; keep the engine's part. */
function engineMessageOf(message: string | undefined): string | undefined {
  return message?.replace(/^\(HTTP code \d+\) [^-]*- /, "").trim();
}

interface DockerodeError {
  code?: string;
  statusCode?: number;
  reason?: string;
  json?: { message?: string } | null;
  message?: string;
}

/** Runs one engine call, translating its failure; `patient` runs it on the client without a request timeout. */
export async function engineCall<T>(target: Engine, call: (docker: Docker) => Promise<T>, options: { patient?: boolean } = {}): Promise<T> {
  try {
    return await call(options.patient ? target.patient : target.docker);
  } catch (err) {
    throw engineError(target, err);
  }
}

/** The ServiceError for a failure of the engine or of a stream from it (for streams read outside engineCall). */
export function engineError(target: Engine, err: unknown): ServiceError {
  return err instanceof ServiceError ? err : toServiceError(target.endpoint, err as DockerodeError);
}

function toServiceError(endpoint: EngineEndpoint, err: DockerodeError): ServiceError {
  const message = err.json?.message ?? engineMessageOf(err.message) ?? "engine request failed";
  const reason = err.code ? unreachableReasons[err.code] : undefined;
  if (reason) return new EngineUnreachable(endpoint, reason, err);
  if (/timeout/i.test(message) && !err.statusCode) return new EngineUnreachable(endpoint, "no answer in time", err);
  // dockerd's (and hakod's) answer for a route it does not have: an older or partial engine, not a missing object.
  if ((err.statusCode === 404 && message === "page not found") || err.statusCode === 405 || err.statusCode === 501) {
    return new ServiceError("Unsupported", `The engine at ${endpoint.url} does not support this request yet (it answered: ${message}).`, { cause: err });
  }
  switch (err.statusCode) {
    // "Not Modified": start of a running container, stop of a stopped one; dockerode words it in `reason`.
    case 304: return new ServiceError("Conflict", `Nothing to do: ${err.reason ?? "the container is already in that state"}.`, { cause: err });
    case 400: return new ServiceError("InvalidArgument", message, { cause: err });
    // dockerd's 403 is about the object, not the caller (a pre-defined network, one with active endpoints)
    case 403: return new ServiceError("Conflict", message, { cause: err });
    case 404: return new ServiceError("NotFound", message, { cause: err });
    case 409: return new ServiceError("Conflict", message, { cause: err });
    default: return new ServiceError("Unavailable", `Engine error: ${message}`, { cause: err });
  }
}
