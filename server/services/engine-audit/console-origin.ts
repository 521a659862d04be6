/**
 * Marks the console's own engine calls, so that the engine-socket watcher (./engine-audit-watcher.ts) does not audit
 * a second time what the console audited already.
 *
 * Terms:
 * - **console request**: one tRPC call or terminal session, identified by the request ID its audit row carries.
 * - **origin token**: a random 128-bit secret this console process draws for each console request. It is never the
 *   request ID (which the HTTP client may choose and gets back) and never leaves the process except towards the engine.
 * - **origin header**: `X-Hako-Console-Request: <origin token>`, sent with every engine call made while the request is
 *   handled. hakod copies it into the `hako.console-request` attribute of the events that call causes
 *   (runtime/events/origin.ts); other engines ignore it.
 *
 * The watcher honours a mark only if this process issued the token (see {@link issuedOrigin}): a client of the socket
 * can neither guess one nor name a request ID of its own choosing. Tokens live in memory only, so after a restart of
 * the console the marks of its earlier requests are unknown and their events are recorded as the socket's (saying so).
 *
 * The token travels in an AsyncLocalStorage rather than through every service's arguments; the engine client
 * (dockerode) reads it through {@link consoleOriginHeaders}, an object whose one header exists only inside a request.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { randomBytes } from "node:crypto";

export const CONSOLE_REQUEST_HEADER = "X-Hako-Console-Request";
/** The event attribute hakod sets from the header. */
export const CONSOLE_REQUEST_ATTRIBUTE = "hako.console-request";
/** How long after its request ended a token is still known (the watcher may be that far behind the engine). */
export const ORIGIN_TOKEN_TTL_MS = 3600_000;

/** What the console knows of a token it issued: the request, and when its handling began and ended. */
export interface IssuedOrigin {
  requestId: string;
  startedAt: number;
  /** null while the request is being handled */
  endedAt: number | null;
}

// On globalThis: Next.js's bundle, the terminal's WebSocket server and the watcher (loaded by `hako up` itself) each
// have their own copy of this module but share one engine client (server/engine/client.ts keeps it there too).
const shared = globalThis as typeof globalThis & {
  hakoConsoleRequest?: AsyncLocalStorage<string>;
  hakoOriginTokens?: Map<string, IssuedOrigin>;
};
const current = (shared.hakoConsoleRequest ??= new AsyncLocalStorage<string>());
const issued = (shared.hakoOriginTokens ??= new Map<string, IssuedOrigin>());

function forgetExpired(now: number) {
  for (const [token, origin] of issued) if (origin.endedAt !== null && now - origin.endedAt > ORIGIN_TOKEN_TTL_MS) issued.delete(token);
}

/** Runs `work` (and what it sets going) as part of the console request `requestId`, under a fresh origin token. */
export function asConsoleRequest<T>(requestId: string, work: () => T): T {
  const now = Date.now();
  forgetExpired(now);
  const token = randomBytes(16).toString("base64url");
  const origin: IssuedOrigin = { requestId, startedAt: now, endedAt: null };
  issued.set(token, origin);
  const end = () => { origin.endedAt = Date.now(); };
  let result: T;
  try {
    result = current.run(token, work);
  } catch (err) {
    end();
    throw err;
  }
  if (result instanceof Promise) return result.finally(end) as T;
  end();
  return result;
}

/** The request a mark names, if this process issued it as an origin token (and has not forgotten it yet). */
export function issuedOrigin(token: string): IssuedOrigin | undefined {
  return issued.get(token);
}

/**
 * Headers for the engine client: docker-modem copies them per request (`Object.assign({}, headers)`), which reads
 * this proxy's keys at that moment — the origin header inside a console request, nothing outside one.
 */
export const consoleOriginHeaders: Record<string, string> = new Proxy({} as Record<string, string>, {
  ownKeys: () => (current.getStore() ? [CONSOLE_REQUEST_HEADER] : []),
  getOwnPropertyDescriptor: (_target, key) => {
    const token = current.getStore();
    return key === CONSOLE_REQUEST_HEADER && token ? { value: token, enumerable: true, configurable: true, writable: false } : undefined;
  },
  get: (_target, key) => (key === CONSOLE_REQUEST_HEADER ? current.getStore() : undefined),
});
