/**
 * How a procedure sets or clears the session cookie without knowing the transport: over HTTP the cookie goes into the
 * response headers; for server-side callers (tests, the CLI, server components) there is no response to carry it.
 */
import { serializeClearedSessionCookie, serializeSessionCookie } from "../auth/cookie";

export interface ResponseCookies {
  setSession(token: string, expires: Date): void;
  clearSession(): void;
}

export function headerCookies(resHeaders: Headers, secure: boolean): ResponseCookies {
  return {
    setSession: (token, expires) => resHeaders.append("set-cookie", serializeSessionCookie(token, { expires, secure })),
    clearSession: () => resHeaders.append("set-cookie", serializeClearedSessionCookie(secure)),
  };
}

/** For callers without an HTTP response; remembers the last value so tests can read it. */
export function memoryCookies(): ResponseCookies & { session: { token: string; expires: Date } | null } {
  const jar = {
    session: null as { token: string; expires: Date } | null,
    setSession(token: string, expires: Date) { jar.session = { token, expires }; },
    clearSession() { jar.session = null; },
  };
  return jar;
}
