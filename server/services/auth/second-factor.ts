/**
 * The second step of signing in with two-factor on: the pending session (../../auth/sessions.ts) plus a current code
 * becomes a full session. The pending session is ended and a new token issued, so the cookie that was only good for
 * this step never becomes a full one. Wrong codes count against the same throttle as wrong passwords.
 */
import { isRole } from "../../auth/permissions";
import { closeSession, openSession, type PendingSession, type PendingStep, type SessionOrigin } from "../../auth/sessions";
import { clearFailures, recordFailure, throttleKeys, userKey } from "../../auth/throttle";
import type { Db } from "../../db";
import { acceptCode } from "../account/two-factor";
import { ServiceError } from "../errors";
import { refuseWhileLocked, type SignedIn } from "./sign-in";

export const CODE_FAILED = "Invalid code.";

export async function verifySecondFactor(db: Db, pending: PendingSession | null | undefined, code: string, origin: SessionOrigin): Promise<SignedIn> {
  if (pending?.step !== "totp") throw new ServiceError("Unauthenticated", "Sign in with your password first.", { detail: "no session waiting for a code" });
  const keys = throttleKeys(pending.name, origin.sourceIp);
  await refuseWhileLocked(db, keys);
  if (!(await acceptCode(db, pending.userId, code))) {
    await recordFailure(db, keys);
    throw new ServiceError("Unauthenticated", CODE_FAILED, { detail: "wrong or reused two-factor code" });
  }
  const user = await db.user.findUniqueOrThrow({ where: { id: pending.userId } });
  if (!isRole(user.role)) throw new ServiceError("Unauthenticated", CODE_FAILED, { detail: `user has unknown role ${user.role}` });
  await clearFailures(db, userKey(user.username));
  await closeSession(db, pending.id);
  const session = await openSession(db, user.id, origin, new Date(), { passwordPending: user.mustChangePassword });
  const next: PendingStep | null = user.mustChangePassword ? "password" : null;
  return { principal: { kind: "user", id: user.id, name: user.username, role: user.role }, session, next };
}
