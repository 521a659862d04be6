/**
 * Registry credentials as Docker clients send them: the `X-Registry-Auth` header of pull and push (base64url of a
 * JSON AuthConfig) and the body of `POST /auth` (the same JSON, plain).
 *
 * An empty or absent header means anonymous. `identitytoken` (a refresh token from an earlier login) and
 * `registrytoken` (a bearer token to use as is) are honoured as Docker honours them.
 */
import { invalidArgument } from "../../errors.js";

export interface Credentials {
  username?: string;
  password?: string;
  /** OAuth2 refresh token from a previous login */
  identityToken?: string;
  /** a bearer token for the registry itself, used as is */
  registryToken?: string;
  /** the registry the credentials are for, as the client wrote it */
  serverAddress?: string;
}

interface AuthConfigJson {
  username?: string;
  password?: string;
  auth?: string;
  serveraddress?: string;
  identitytoken?: string;
  registrytoken?: string;
}

/** Parses the AuthConfig JSON (fields lower case, as the CLI sends; Docker also accepts them capitalised). */
export function credentialsFromJson(value: unknown): Credentials {
  if (value === undefined || value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) throw invalidArgument("invalid registry auth: not an object");
  const raw: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) raw[k.toLowerCase()] = v;
  const j = raw as AuthConfigJson;
  const creds: Credentials = {};
  const str = (v: unknown): string | undefined => (typeof v === "string" && v !== "" ? v : undefined);
  creds.username = str(j.username);
  creds.password = str(j.password);
  if (!creds.username && str(j.auth)) {
    // "auth" is base64("user:password"), as in ~/.docker/config.json
    const decoded = Buffer.from(j.auth as string, "base64").toString("utf8");
    const colon = decoded.indexOf(":");
    if (colon > 0) {
      creds.username = decoded.slice(0, colon);
      creds.password = decoded.slice(colon + 1);
    }
  }
  creds.identityToken = str(j.identitytoken);
  creds.registryToken = str(j.registrytoken);
  creds.serverAddress = str(j.serveraddress);
  for (const k of Object.keys(creds) as Array<keyof Credentials>) if (creds[k] === undefined) delete creds[k];
  return creds;
}

/** The `X-Registry-Auth` header: base64url (padded or not; standard base64 accepted too) of the AuthConfig JSON. */
export function credentialsFromHeader(header: string | string[] | undefined): Credentials {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value || value.trim() === "") return {};
  const json = Buffer.from(value.trim().replace(/-/g, "+").replace(/_/g, "/"), "base64").toString("utf8");
  if (json.trim() === "") return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch {
    throw invalidArgument("invalid X-Registry-Auth header: not base64url-encoded JSON");
  }
  return credentialsFromJson(parsed);
}

export function hasSecret(c: Credentials): boolean {
  return Boolean((c.username && c.password !== undefined) || c.identityToken || c.registryToken);
}

/** `Basic base64(user:password)` */
export function basicAuthorization(c: Credentials): string | undefined {
  if (!c.username) return undefined;
  return `Basic ${Buffer.from(`${c.username}:${c.password ?? ""}`).toString("base64")}`;
}

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/**
 * Parses `WWW-Authenticate` (RFC 7235): `Bearer realm="https://auth/token",service="registry",scope="repository:x:pull"`
 * or `Basic realm="Registry"`. Several challenges may share one header, separated by commas.
 */
export function parseChallenges(header: string | string[] | undefined): Challenge[] {
  const text = Array.isArray(header) ? header.join(", ") : (header ?? "");
  const out: Challenge[] = [];
  const re = /\s*([A-Za-z][A-Za-z0-9!#$%&'*+.^_`|~-]*)(?:\s+|$)|\s*([A-Za-z0-9_-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*))\s*,?/gy;
  let current: Challenge | undefined;
  let m: RegExpExecArray | null;
  let pos = 0;
  while (pos < text.length) {
    re.lastIndex = pos;
    m = re.exec(text);
    if (!m || m[0] === "") {
      pos++;
      continue;
    }
    pos = re.lastIndex;
    if (m[1] !== undefined) {
      current = { scheme: m[1].toLowerCase(), params: {} };
      out.push(current);
    } else if (current && m[2] !== undefined) {
      current.params[m[2].toLowerCase()] = m[3] !== undefined ? m[3].replace(/\\(.)/g, "$1") : (m[4] ?? "");
    }
  }
  return out;
}
