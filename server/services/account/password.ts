/**
 * Choosing a new password: one's own change (the current password required; every other session ends, as a change
 * usually means the old one may be known to someone else), and the forced change during sign-in after an admin's
 * reset (./user-admin.ts), which finishes a pending session. Wrong current passwords count against the sign-in
 * throttle, so a stolen session cannot be used to guess the password either.
 */
import { hashPassword, verifyPassword } from "../../auth/password";
import { isRole } from "../../auth/permissions";
import { closeSession, closeSessionsOf, openSession, type PendingSession, type SessionOrigin } from "../../auth/sessions";
import { recordFailure, throttleKeys } from "../../auth/throttle";
import type { Db } from "../../db";
import { refuseWhileLocked, type SignedIn } from "../auth/sign-in";
import { ServiceError } from "../errors";

export interface PasswordChange {
  currentPassword: string;
  newPassword: string;
}

/** Changes the user's own password; returns how many other sessions were ended. */
export async function changeOwnPassword(db: Db, userId: string, currentSessionId: string | null, change: PasswordChange, origin: SessionOrigin): Promise<{ endedSessions: number }> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  const keys = throttleKeys(user.username, origin.sourceIp);
  await refuseWhileLocked(db, keys);
  if (!(await verifyPassword(user.passwordHash, change.currentPassword))) {
    await recordFailure(db, keys);
    throw new ServiceError("InvalidArgument", "The current password is not right.", { detail: "wrong current password" });
  }
  await setPassword(db, userId, user.passwordHash, change.newPassword);
  return { endedSessions: await closeSessionsOf(db, userId, currentSessionId) };
}

/** The forced change: a pending session whose user must choose a new password becomes a full session (new token). */
export async function renewPassword(db: Db, pending: PendingSession | null | undefined, newPassword: string, origin: SessionOrigin): Promise<SignedIn> {
  if (pending?.step !== "password") throw new ServiceError("Unauthenticated", "Sign in first.", { detail: "no session waiting for a new password" });
  const user = await db.user.findUniqueOrThrow({ where: { id: pending.userId } });
  if (!isRole(user.role)) throw new ServiceError("Unauthenticated", "Sign in first.", { detail: `user has unknown role ${user.role}` });
  await setPassword(db, user.id, user.passwordHash, newPassword);
  await closeSession(db, pending.id);
  const session = await openSession(db, user.id, origin);
  return { principal: { kind: "user", id: user.id, name: user.username, role: user.role }, session, next: null };
}

async function setPassword(db: Db, userId: string, oldHash: string, newPassword: string): Promise<void> {
  if (await verifyPassword(oldHash, newPassword)) throw new ServiceError("InvalidArgument", "Choose a password different from the current one.");
  const passwordHash = await hashPassword(newPassword);
  await db.user.update({ where: { id: userId }, data: { passwordHash, passwordChangedAt: new Date(), mustChangePassword: false } });
}
