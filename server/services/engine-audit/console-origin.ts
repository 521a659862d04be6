/**
 * Marks the console's own engine calls, so that the engine-socket watcher (./engine-audit-watcher.ts) does not audit
 * a second time what the console audited already.
 *
 * Terms:
 * - **console request**: one tRPC call or terminal session, identified by the request ID its audit row carries.
 * - **origin header**: `X-Hako-Console-Request: <request ID>`, sent with every engine call made while the request is
 *   handled. hakod copies it into the `hako.console-request` attribute of the events that call causes
 *   (runtime/events/origin.ts); other engines ignore it.
 *
 * The request ID travels in an AsyncLocalStorage rather than through every service's arguments; the engine client
 * (dockerode) reads it through {@link consoleOriginHeaders}, an object whose one header exists only inside a request.
 */
import { AsyncLocalStorage } from "node:async_hooks";

export const CONSOLE_REQUEST_HEADER = "X-Hako-Console-Request";
/** The event attribute hakod sets from the header. */
export const CONSOLE_REQUEST_ATTRIBUTE = "hako.console-request";

// On globalThis: Next.js's bundle and the terminal's WebSocket server (loaded by `hako up` itself) each have their own
// copy of this module but share one engine client (server/engine/client.ts keeps it there too).
const shared = globalThis as typeof globalThis & { hakoConsoleRequest?: AsyncLocalStorage<string> };
const current = (shared.hakoConsoleRequest ??= new AsyncLocalStorage<string>());

/** Runs `work` (and what it sets going) as part of the console request `requestId`. */
export function asConsoleRequest<T>(requestId: string, work: () => T): T {
  return current.run(requestId, work);
}

export function currentConsoleRequest(): string | undefined {
  return current.getStore();
}

/**
 * Headers for the engine client: docker-modem copies them per request (`Object.assign({}, headers)`), which reads
 * this proxy's keys at that moment — the origin header inside a console request, nothing outside one.
 */
export const consoleOriginHeaders: Record<string, string> = new Proxy({} as Record<string, string>, {
  ownKeys: () => (current.getStore() ? [CONSOLE_REQUEST_HEADER] : []),
  getOwnPropertyDescriptor: (_target, key) => {
    const id = current.getStore();
    return key === CONSOLE_REQUEST_HEADER && id ? { value: id, enumerable: true, configurable: true, writable: false } : undefined;
  },
  get: (_target, key) => (key === CONSOLE_REQUEST_HEADER ? current.getStore() : undefined),
});
