/**
 * Sign-in: checks a username and password and opens a session. Every failure gives the caller the same message, so it
 * cannot tell an unknown user from a wrong password; the audit log gets the real reason through `detail`. Unknown
 * users cost an argon2 verification too, and count against the throttle like known ones (../../auth/throttle.ts).
 *
 * When the account has two-factor sign-in on, or must choose a new password, the session opened is pending
 * (../../auth/sessions.ts) and `next` says which step finishes it (./second-factor.ts, ../account/password.ts).
 */
import { verifyNothing, verifyPassword } from "../../auth/password";
import { isRole } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import { openSession, type OpenedSession, type PendingStep, type SessionOrigin } from "../../auth/sessions";
import { clearFailures, lockedUntil, minutesUntil, recordFailure, throttleKeys, userKey, type ThrottleKey } from "../../auth/throttle";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export const SIGN_IN_FAILED = "Invalid username or password.";

export interface SignedIn {
  principal: Principal;
  session: OpenedSession;
  /** the step still owed before the session grants anything; null when it is a full session */
  next: PendingStep | null;
}

export async function signIn(
  db: Db,
  credentials: { username: string; password: string },
  origin: SessionOrigin,
): Promise<SignedIn> {
  const keys = throttleKeys(credentials.username, origin.sourceIp);
  await refuseWhileLocked(db, keys);
  const user = await db.user.findUnique({ where: { username: credentials.username } });
  if (!user) {
    await verifyNothing(credentials.password);
    await recordFailure(db, keys);
    throw failed("no such user");
  }
  if (!(await verifyPassword(user.passwordHash, credentials.password))) {
    await recordFailure(db, keys);
    throw failed("wrong password");
  }
  if (user.disabled) throw failed("user is disabled");
  if (!isRole(user.role)) throw failed(`user has unknown role ${user.role}`);

  await clearFailures(db, userKey(user.username));
  const session = await openSession(db, user.id, origin, new Date(), {
    secondFactorPending: user.totpEnabled,
    passwordPending: user.mustChangePassword,
  });
  const next: PendingStep | null = user.totpEnabled ? "totp" : user.mustChangePassword ? "password" : null;
  return { principal: { kind: "user", id: user.id, name: user.username, role: user.role }, session, next };
}

/** Refuses before any password is checked while one of `keys` is locked, saying for how long. */
export async function refuseWhileLocked(db: Db, keys: ThrottleKey[]): Promise<void> {
  const until = await lockedUntil(db, keys);
  if (!until) return;
  const minutes = minutesUntil(until);
  throw new ServiceError("ResourceExhausted", `Too many failed sign-ins; try again in ${minutes} minute${minutes === 1 ? "" : "s"}.`, {
    detail: `locked until ${until.toISOString()}`,
  });
}

function failed(detail: string): ServiceError {
  return new ServiceError("Unauthenticated", SIGN_IN_FAILED, { detail });
}
