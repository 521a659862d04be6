/**
 * Two-factor sign-in for one's own account (TOTP, ../../auth/totp.ts). Enrolment is two steps so that nobody locks
 * themselves out with a secret their app never got: `beginEnrolment` stores a new secret (sealed with the console's
 * key, like registry credentials: ../registries/secret-box.ts) with 2FA still off and shows it; `confirmEnrolment`
 * turns 2FA on once a code from the app matches. Turning it off takes a current code or the password.
 */
import { verifyPassword } from "../../auth/password";
import type { SessionOrigin } from "../../auth/sessions";
import { recordFailure, throttleKeys } from "../../auth/throttle";
import { base32Decode, base32Encode, matchTotp, newTotpSecret, otpauthUri } from "../../auth/totp";
import type { Db } from "../../db";
import { refuseWhileLocked } from "../auth/sign-in";
import { ServiceError } from "../errors";
import { loadSecretKey, open, seal } from "../registries/secret-box";

export interface Enrolment {
  /** base32, for typing into an app by hand */
  secret: string;
  /** otpauth://totp/… for apps that import a link (or a QR code made from it) */
  uri: string;
}

/** The sealed secret is bound to its user, so a value copied onto another row does not open. */
const aadOf = (userId: string) => `totp:${userId}`;

export async function beginEnrolment(db: Db, userId: string, keyDir?: string): Promise<Enrolment> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.totpEnabled) throw new ServiceError("Conflict", "Two-factor sign-in is already on. Turn it off first to enrol a new device.");
  const secret = newTotpSecret();
  const totpSecret = seal(loadSecretKey(keyDir), base32Encode(secret), aadOf(userId));
  await db.user.update({ where: { id: userId }, data: { totpSecret, totpLastStep: null } });
  return { secret: base32Encode(secret), uri: otpauthUri(secret, user.username) };
}

export async function confirmEnrolment(db: Db, userId: string, code: string, keyDir?: string): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (user.totpEnabled) throw new ServiceError("Conflict", "Two-factor sign-in is already on.");
  if (!user.totpSecret) throw new ServiceError("Conflict", "Start the enrolment first: no secret has been generated.");
  if (!(await acceptCode(db, userId, code, keyDir))) throw new ServiceError("InvalidArgument", "That code does not match. Check the app shows the Hako entry just added, and the clocks are right.");
  await db.user.update({ where: { id: userId }, data: { totpEnabled: true } });
}

/** Wrong codes and passwords here count against the sign-in throttle: a stolen session must not be a guessing oracle. */
export async function disableTwoFactor(
  db: Db,
  userId: string,
  proof: { code?: string | undefined; password?: string | undefined },
  origin: SessionOrigin,
  keyDir?: string,
): Promise<void> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!user.totpEnabled) throw new ServiceError("Conflict", "Two-factor sign-in is already off.");
  const keys = throttleKeys(user.username, origin.sourceIp);
  await refuseWhileLocked(db, keys);
  const proven = proof.code
    ? await acceptCode(db, userId, proof.code, keyDir)
    : proof.password !== undefined && (await verifyPassword(user.passwordHash, proof.password));
  if (!proven) {
    await recordFailure(db, keys);
    throw new ServiceError("InvalidArgument", proof.code ? "That code does not match." : proof.password ? "That password is not right." : "Enter a current code or your password.", { detail: proof.code ? "wrong code" : "wrong or no password" });
  }
  await db.user.update({ where: { id: userId }, data: { totpEnabled: false, totpSecret: null, totpLastStep: null } });
}

/**
 * Whether `code` is the user's current code, and not one already used: the matched step is recorded in
 * User.totpLastStep with a conditional update, so two requests racing with the same code cannot both win.
 */
export async function acceptCode(db: Db, userId: string, code: string, keyDir?: string, now = new Date()): Promise<boolean> {
  const user = await db.user.findUniqueOrThrow({ where: { id: userId } });
  if (!user.totpSecret) return false;
  const secret = base32Decode(open(loadSecretKey(keyDir), user.totpSecret, aadOf(userId)));
  if (!secret) throw new ServiceError("Unavailable", "The stored two-factor secret is damaged; an admin can reset the password and turn two-factor sign-in off.");
  const step = matchTotp(secret, code.trim(), now, user.totpLastStep);
  if (step === null) return false;
  const claimed = await db.user.updateMany({
    where: { id: userId, OR: [{ totpLastStep: null }, { totpLastStep: { lt: step } }] },
    data: { totpLastStep: step },
  });
  return claimed.count === 1;
}
