/**
 * CSRF defence for the console's HTTP API: a state-changing request (anything but GET/HEAD/OPTIONS) from a browser must
 * come from the console's own pages. Browsers say where a request comes from in `Sec-Fetch-Site` (all current ones)
 * and `Origin` (every POST); a page on another site can set neither. So:
 *
 * - `Sec-Fetch-Site` present and not `same-origin` (or `none`, typed by the user) → refused;
 * - `Origin` present and not the console's own origin (the request's Host, or one listed in HAKO_CONSOLE_ORIGINS,
 *   comma-separated, for a reverse proxy that rewrites Host) → refused, `null` included;
 * - neither header → allowed: not a browser (curl, scripts with a Bearer token), which a cross-site page cannot
 *   impersonate, and which holds no ambient cookie unless its user gave it one.
 * A request with an `Authorization` header is authenticated by that header alone, its cookie ignored
 * (server/auth/credential.ts): a Bearer request therefore never rides the browser's session, and a page on another
 * site cannot add the header to a cross-site request without a CORS preflight, which the console never grants.
 *
 * The session cookie is also SameSite=Lax (server/auth/cookie.ts); this check does not rely on it.
 */
import type { HeaderReader } from "./request-info";

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

export function crossOriginRefusal(method: string, headers: HeaderReader, url: string): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `Refused a ${site} request: changes are accepted only from the console's own pages.`;
  const origin = headers.get("origin");
  if (origin === null) return null;
  if (!allowedOrigins(headers, url).has(origin)) return `Refused a request from ${origin}: changes are accepted only from the console's own pages.`;
  return null;
}

function allowedOrigins(headers: HeaderReader, url: string): Set<string> {
  const allowed = new Set((process.env.HAKO_CONSOLE_ORIGINS ?? "").split(",").map((o) => o.trim()).filter(Boolean));
  const host = headers.get("host");
  const proto = headers.get("x-forwarded-proto") === "https" || url.startsWith("https:") ? "https" : "http";
  if (host) allowed.add(`${proto}://${host}`);
  try {
    allowed.add(new URL(url).origin);
  } catch {
    // a relative or odd URL: the Host header decides
  }
  return allowed;
}
