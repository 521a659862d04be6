/**
 * The session cookie: httpOnly (scripts never see it), SameSite=Lax (not sent on cross-site POSTs), Path=/, and Secure
 * when the console is reached over https (directly or behind a proxy that says so in X-Forwarded-Proto).
 */

export const SESSION_COOKIE = "hako_session";

export interface CookieOptions {
  expires: Date;
  secure: boolean;
}

export function serializeSessionCookie(token: string, { expires, secure }: CookieOptions): string {
  const parts = [
    `${SESSION_COOKIE}=${token}`,
    "Path=/",
    `Expires=${expires.toUTCString()}`,
    "HttpOnly",
    "SameSite=Lax",
  ];
  if (secure) parts.push("Secure");
  return parts.join("; ");
}

export function serializeClearedSessionCookie(secure: boolean): string {
  return serializeSessionCookie("", { expires: new Date(0), secure });
}

/** Reads one cookie from a Cookie header; the first occurrence wins, as in browsers' own ordering. */
export function readCookie(header: string | null | undefined, name: string): string | undefined {
  if (!header) return undefined;
  for (const pair of header.split(";")) {
    const eq = pair.indexOf("=");
    if (eq < 0) continue;
    if (pair.slice(0, eq).trim() === name) return pair.slice(eq + 1).trim();
  }
  return undefined;
}
