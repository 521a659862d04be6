/**
 * Which console request an event came from. The Hako console sends `X-Hako-Console-Request: <token>` with every
 * engine call it makes on behalf of a user (a random secret it draws per request, not the request's ID, so that no
 * other client can name one of its requests); the API server runs the request's handling inside
 * {@link withRequestOrigin}, and the bus adds the ID to every event published from there (and from what that handling
 * set going: a container's `die` follows the `start` that launched it) as the `hako.console-request` attribute.
 *
 * The console's audit watcher (server/services/engine-audit) uses it to tell its own actions, which it audits itself,
 * from those of other clients of the socket. The header is not authentication: any client may send it, and every
 * client of /events sees the marks; the console therefore honours only tokens it issued itself, for events about the
 * object of the request they were issued for, at the time of that request.
 */
import { AsyncLocalStorage } from "node:async_hooks";
import type { IncomingHttpHeaders } from "node:http";

export const CONSOLE_REQUEST_HEADER = "x-hako-console-request";
export const CONSOLE_REQUEST_ATTRIBUTE = "hako.console-request";

const origin = new AsyncLocalStorage<string>();

/** Runs `handle` with the request's console request ID (when it sent a well-formed one) as the events' origin. */
export function withRequestOrigin<T>(headers: IncomingHttpHeaders, handle: () => T): T {
  const value = headers[CONSOLE_REQUEST_HEADER];
  const id = typeof value === "string" && /^[A-Za-z0-9._-]{1,128}$/.test(value) ? value : null;
  return id ? origin.run(id, handle) : handle();
}

/**
 * An event's attributes as published now: the origin's ID added inside a console request; outside one, no such
 * attribute at all (a container label of that name, which any client may set, is dropped rather than passed on).
 */
export function withOrigin(attributes: Record<string, string>): Record<string, string> {
  const { [CONSOLE_REQUEST_ATTRIBUTE]: _label, ...rest } = attributes;
  const id = origin.getStore();
  return id ? { ...rest, [CONSOLE_REQUEST_ATTRIBUTE]: id } : rest;
}
