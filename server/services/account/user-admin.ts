/**
 * An admin's management of other people's accounts: the list, disabling (every session ends at once and API tokens
 * stop working while disabled), enabling, and resetting a forgotten password (the user must choose a new one at their
 * next sign-in; their sessions end and their API tokens are revoked, since whoever knew the old password may have
 * made some; a lost authenticator device is handled by the same reset, turning two-factor sign-in off). An admin cannot disable or reset themselves here: that is how the last admin would lock everyone out.
 */
import { hashPassword } from "../../auth/password";
import { closeSessionsOf } from "../../auth/sessions";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export interface UserSummary {
  id: string;
  username: string;
  role: string;
  disabled: boolean;
  createdAt: Date;
  totpEnabled: boolean;
  mustChangePassword: boolean;
  /** the latest activity of any open session */
  lastSeenAt: Date | null;
}

export async function listUsers(db: Db, now = new Date()): Promise<UserSummary[]> {
  const users = await db.user.findMany({
    orderBy: { username: "asc" },
    include: { sessions: { where: { expiresAt: { gt: now } }, select: { lastSeenAt: true }, orderBy: { lastSeenAt: "desc" }, take: 1 } },
  });
  return users.map((u) => ({
    id: u.id,
    username: u.username,
    role: u.role,
    disabled: u.disabled,
    createdAt: u.createdAt,
    totpEnabled: u.totpEnabled,
    mustChangePassword: u.mustChangePassword,
    lastSeenAt: u.sessions[0]?.lastSeenAt ?? null,
  }));
}

async function otherUser(db: Db, actorId: string | null, userId: string, what: string) {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw new ServiceError("NotFound", "No such user.");
  if (user.id === actorId) throw new ServiceError("InvalidArgument", `You cannot ${what} your own account; another admin can.`);
  return user;
}

export async function setDisabled(db: Db, actorId: string | null, userId: string, disabled: boolean): Promise<{ username: string; endedSessions: number }> {
  const user = await otherUser(db, actorId, userId, disabled ? "disable" : "enable");
  await db.user.update({ where: { id: user.id }, data: { disabled } });
  return { username: user.username, endedSessions: disabled ? await closeSessionsOf(db, user.id) : 0 };
}

export interface Reset {
  password: string;
  /** also turn two-factor sign-in off (the user lost their authenticator) */
  disableTwoFactor?: boolean | undefined;
}

export async function resetPassword(db: Db, actorId: string | null, userId: string, reset: Reset, now = new Date()): Promise<{ username: string; endedSessions: number; revokedTokens: number }> {
  const user = await otherUser(db, actorId, userId, "reset the password of");
  const passwordHash = await hashPassword(reset.password);
  const twoFactorOff = reset.disableTwoFactor ? { totpEnabled: false, totpSecret: null, totpLastStep: null } : {};
  await db.user.update({ where: { id: user.id }, data: { passwordHash, mustChangePassword: true, passwordChangedAt: now, ...twoFactorOff } });
  const endedSessions = await closeSessionsOf(db, user.id);
  const revoked = await db.apiToken.updateMany({ where: { userId: user.id, revokedAt: null, createdAt: { lte: now } }, data: { revokedAt: now } });
  return { username: user.username, endedSessions, revokedTokens: revoked.count };
}
