/**
 * One's own sessions: where one is signed in (address, browser, last seen), and ending one or all but the current.
 */
import { closeSessionsOf } from "../../auth/sessions";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export interface SessionSummary {
  id: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
  sourceIp: string | null;
  userAgent: string | null;
  /** the session this request came with */
  current: boolean;
  /** signed in with the password, the two-factor code still owed */
  pending: boolean;
}

export async function listSessions(db: Db, userId: string, currentId: string | null, now = new Date()): Promise<SessionSummary[]> {
  const rows = await db.session.findMany({ where: { userId, expiresAt: { gt: now } }, orderBy: { lastSeenAt: "desc" } });
  return rows.map((row) => ({
    id: row.id,
    createdAt: row.createdAt,
    lastSeenAt: row.lastSeenAt,
    expiresAt: row.expiresAt,
    sourceIp: row.sourceIp,
    userAgent: row.userAgent,
    current: row.id === currentId,
    pending: row.secondFactorPending,
  }));
}

export async function revokeSession(db: Db, userId: string, sessionId: string): Promise<void> {
  const ended = await db.session.deleteMany({ where: { id: sessionId, userId } });
  if (ended.count === 0) throw new ServiceError("NotFound", "No such session (it may have ended already).");
}

export async function revokeOtherSessions(db: Db, userId: string, currentId: string | null): Promise<{ ended: number }> {
  return { ended: await closeSessionsOf(db, userId, currentId) };
}
