/**
 * Sign-in: checks a username and password and opens a session. Every failure gives the caller the same message, so it
 * cannot tell an unknown user from a wrong password; the audit log gets the real reason through `detail`.
 */
import { verifyNothing, verifyPassword } from "../../auth/password";
import { isRole } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import { openSession, type OpenedSession, type SessionOrigin } from "../../auth/sessions";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export const SIGN_IN_FAILED = "Invalid username or password.";

export interface SignedIn {
  principal: Principal;
  session: OpenedSession;
}

export async function signIn(
  db: Db,
  credentials: { username: string; password: string },
  origin: SessionOrigin,
): Promise<SignedIn> {
  const user = await db.user.findUnique({ where: { username: credentials.username } });
  if (!user) {
    await verifyNothing(credentials.password);
    throw failed("no such user");
  }
  if (!(await verifyPassword(user.passwordHash, credentials.password))) throw failed("wrong password");
  if (user.disabled) throw failed("user is disabled");
  if (!isRole(user.role)) throw failed(`user has unknown role ${user.role}`);

  const session = await openSession(db, user.id, origin);
  return { principal: { kind: "user", id: user.id, name: user.username, role: user.role }, session };
}

function failed(detail: string): ServiceError {
  return new ServiceError("Unauthenticated", SIGN_IN_FAILED, { detail });
}
