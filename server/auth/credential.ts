/**
 * Who a request comes from, by what it carries:
 *
 * - an `Authorization` header: that alone decides. `Bearer <personal API token>` acts as the token's owner; any other
 *   value, or a token that is unknown, revoked or expired, is nobody. The session cookie is then ignored, so a request
 *   is never authenticated by a mix of the two — and a Bearer request rides no ambient cookie, which is why the CSRF
 *   check (../http/same-origin.ts) can let non-browser clients through.
 * - otherwise the session cookie: a full session is a principal; a pending one (./sessions.ts) is only `pending`.
 */
import type { Db } from "../db";
import type { HeaderReader } from "../http/request-info";
import { resolveApiToken } from "./api-tokens";
import { readCookie, SESSION_COOKIE } from "./cookie";
import type { Principal } from "./principal";
import { lookupSession, type PendingSession } from "./sessions";

export interface Credential {
  principal: Principal | null;
  /** the cookie's session (full or pending), which sign-in and sign-out end */
  sessionId: string | null;
  /** a sign-in that still owes a step; never set together with `principal` */
  pending: PendingSession | null;
  /** the personal API token the request was authenticated with */
  apiTokenId: string | null;
}

const nobody: Credential = { principal: null, sessionId: null, pending: null, apiTokenId: null };

export async function resolveCredential(db: Db, headers: HeaderReader): Promise<Credential> {
  const authorization = headers.get("authorization");
  if (authorization !== null) {
    const bearer = /^Bearer\s+(\S+)\s*$/i.exec(authorization)?.[1];
    const token = bearer ? await resolveApiToken(db, bearer) : null;
    return token ? { ...nobody, principal: token.principal, apiTokenId: token.id } : nobody;
  }
  const state = await lookupSession(db, readCookie(headers.get("cookie"), SESSION_COOKIE));
  if (!state) return nobody;
  if (state.kind === "pending") return { ...nobody, sessionId: state.pending.id, pending: state.pending };
  return { ...nobody, principal: state.session.principal, sessionId: state.session.id };
}
