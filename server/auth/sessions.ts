/**
 * DB-backed sessions. A session row is created at sign-in and checked on every request: it must exist, be unexpired,
 * and belong to an enabled user with a known role. Expiry is absolute (no sliding renewal), so a stolen cookie is useful
 * for at most SESSION_TTL_MS.
 */
import type { Db } from "../db";
import { isRole } from "./permissions";
import type { Principal } from "./principal";
import { hashSessionToken, looksLikeSessionToken, newSessionToken } from "./session-token";

export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;
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

export async function openSession(db: Db, userId: string, origin: SessionOrigin, now = new Date()): Promise<OpenedSession> {
  const token = newSessionToken();
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  const row = await db.session.create({
    data: {
      tokenHash: hashSessionToken(token),
      userId,
      expiresAt,
      createdAt: now,
      lastSeenAt: now,
      sourceIp: origin.sourceIp,
      userAgent: origin.userAgent,
    },
  });
  return { id: row.id, token, expiresAt };
}

export async function resolveSession(db: Db, token: string | undefined, now = new Date()): Promise<ResolvedSession | null> {
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
  return {
    id: row.id,
    expiresAt: row.expiresAt,
    principal: { kind: "user", id: user.id, name: user.username, role: user.role },
  };
}

export async function closeSession(db: Db, sessionId: string): Promise<void> {
  await db.session.deleteMany({ where: { id: sessionId } });
}
