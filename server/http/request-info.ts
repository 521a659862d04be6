/**
 * What the audit log and the cookie policy need to know about an HTTP request, read from its headers.
 *
 * The peer address comes from `x-hako-remote-addr`, which `hako up`'s HTTP server sets from the socket (overwriting
 * anything a client sent). `X-Forwarded-For` is client-controlled unless a proxy rewrites it, so it is used only when
 * HAKO_TRUST_PROXY=1 says a reverse proxy in front of the console appends the real peer (its right-most entry).
 */
import { randomUUID } from "node:crypto";

export const REMOTE_ADDR_HEADER = "x-hako-remote-addr";
export const REQUEST_ID_HEADER = "x-request-id";

export interface RequestInfo {
  sourceIp: string | null;
  userAgent: string | null;
  /** taken from a proxy's X-Request-Id when well-formed, so logs can be joined; otherwise generated */
  requestId: string;
  /** reached over https (directly or per X-Forwarded-Proto): the session cookie is then marked Secure */
  secure: boolean;
}

export type HeaderReader = Pick<Headers, "get">;

export function requestInfoFromHeaders(headers: HeaderReader, url?: string): RequestInfo {
  return {
    sourceIp: sourceIpOf(headers),
    userAgent: headers.get("user-agent")?.slice(0, 512) ?? null,
    requestId: requestIdOf(headers),
    secure: headers.get("x-forwarded-proto") === "https" || (url?.startsWith("https:") ?? false),
  };
}

function sourceIpOf(headers: HeaderReader): string | null {
  if (process.env.HAKO_TRUST_PROXY === "1") {
    const forwarded = headers.get("x-forwarded-for")?.split(",").at(-1)?.trim();
    if (forwarded) return forwarded;
  }
  return headers.get(REMOTE_ADDR_HEADER) ?? null;
}

function requestIdOf(headers: HeaderReader): string {
  const given = headers.get(REQUEST_ID_HEADER);
  return given && /^[A-Za-z0-9._-]{8,128}$/.test(given) ? given : randomUUID();
}
