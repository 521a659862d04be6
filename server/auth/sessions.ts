/**
 * DB-backed sessions. A session row is created at sign-in and checked on every request: it must exist, be unexpired,
 * and belong to an enabled user with a known role. Expiry is absolute (no sliding renewal), so a stolen cookie is useful
 * for at most SESSION_TTL_MS.
 *
 * A session may be **pending**: its user gave the right password but sign-in is not finished — a two-factor code is
 * still owed (`Session.secondFactorPending`), or an admin reset the password and a new one must be chosen
 * (`User.mustChangePassword`). A pending session is not a principal: it grants nothing but the step that finishes
 * sign-in (see ../routers/auth.ts), and it lives only PENDING_TTL_MS.
 */
import type { Db } from "../db";
import { isRole } from "./permissions";
import type { Principal } from "./principal";
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from "./session-token";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
/** Time to type a two-factor code or choose a new password after the password was accepted. */
export const PENDING_TTL_MS = 10 * 60 * 1000;
/** lastSeenAt is informational; writing it on every 2-second poll would turn reads into writes. */
const TOUCH_INTERVAL_MS = 60 * 1000;

export interface SessionOrigin {
  sourceIp: string | null;
  userAgent: string | null;
}

export interface OpenedSession {
  id: string;
  token: string;
  expiresAt: Date;
}

export interface ResolvedSession {
  id: string;
  expiresAt: Date;
  principal: Principal;
}

/** What sign-in still owes on a pending session. */
export type PendingStep = "totp" | "password";

export interface PendingSession {
  id: string;
  step: PendingStep;
  userId: string;
  name: string;
}

export type SessionState = { kind: "full"; session: ResolvedSession } | { kind: "pending"; pending: PendingSession };

export async function openSession(
  db: Db,
  userId: string,
  origin: SessionOrigin,
  now = new Date(),
  /** what the session still owes: a two-factor code, and/or a new password (the latter is read from the user row) */
  options: { secondFactorPending?: boolean; passwordPending?: boolean } = {},
): Promise<OpenedSession> {
  const token = newSessionToken();
  const pending = options.secondFactorPending ?? false;
  // Any step owed makes the session pending, and a pending session lives only PENDING_TTL_MS.
  const ttl = pending || options.passwordPending ? PENDING_TTL_MS : SESSION_TTL_MS;
  const expiresAt = new Date(now.getTime() + ttl);
  const row = await db.session.create({
    data: {
      tokenHash: hashSessionToken(token),
      userId,
      expiresAt,
      createdAt: now,
      lastSeenAt: now,
      sourceIp: origin.sourceIp,
      userAgent: origin.userAgent,
      secondFactorPending: pending,
    },
  });
  return { id: row.id, token, expiresAt };
}

/** The session of a cookie's token, full or pending; null when there is none (unknown, expired, disabled user). */
export async function lookupSession(db: Db, token: string | undefined, now = new Date()): Promise<SessionState | null> {
  if (!token || !looksLikeSessionToken(token)) return null;
  const row = await db.session.findUnique({ where: { tokenHash: hashSessionToken(token) }, include: { user: true } });
  if (!row) return null;
  if (row.expiresAt.getTime() <= now.getTime()) {
    await db.session.deleteMany({ where: { id: row.id } });
    return null;
  }
  const { user } = row;
  if (user.disabled || !isRole(user.role)) return null;
  if (now.getTime() - row.lastSeenAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.session.updateMany({ where: { id: row.id }, data: { lastSeenAt: now } });
  }
  const step: PendingStep | null = row.secondFactorPending ? "totp" : user.mustChangePassword ? "password" : null;
  if (step) return { kind: "pending", pending: { id: row.id, step, userId: user.id, name: user.username } };
  return {
    kind: "full",
    session: { id: row.id, expiresAt: row.expiresAt, principal: { kind: "user", id: user.id, name: user.username, role: user.role } },
  };
}

/** A full session only: what every entry point but the sign-in steps accepts. */
export async function resolveSession(db: Db, token: string | undefined, now = new Date()): Promise<ResolvedSession | null> {
  const state = await lookupSession(db, token, now);
  return state?.kind === "full" ? state.session : null;
}

export async function closeSession(db: Db, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}

/** Ends every session of a user (disabled, password reset), or every one but `keep` (own password change). */
export async function closeSessionsOf(db: Db, userId: string, keep?: string | null): Promise<number> {
  const ended = await db.session.deleteMany({ where: { userId, ...(keep ? { id: { not: keep } } : {}) } });
  return ended.count;
}
