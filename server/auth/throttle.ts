/**
 * Sign-in throttling: failed sign-ins (wrong password, wrong two-factor code) are counted per username and per source
 * IP in SigninThrottle rows; too many within a window lock that key for a while, and a locked key is refused before
 * any password is checked. Usernames are counted whether or not they exist, so a lock says nothing about which do.
 *
 * The numbers, in one place:
 * - a username: USER_MAX_FAILURES failures within WINDOW_MS → locked for LOCK_MS; a successful sign-in clears it;
 * - a source IP: IP_MAX_FAILURES failures within WINDOW_MS → locked for LOCK_MS. Higher than a username's because many
 *   people may share one address (an office NAT), and not cleared by a success, so one valid account does not buy
 *   an attacker fresh guesses at others.
 */
import { isUniqueViolation, type Db } from "../db";

export const WINDOW_MS = 15 * 60 * 1000;
export const LOCK_MS = 15 * 60 * 1000;
export const USER_MAX_FAILURES = 5;
export const IP_MAX_FAILURES = 20;

export interface ThrottleKey {
  key: string;
  maxFailures: number;
}

/** The keys one sign-in attempt counts against: its username, and its source IP when known. */
export function throttleKeys(username: string, sourceIp: string | null): ThrottleKey[] {
  const keys = [userKey(username)];
  if (sourceIp) keys.push({ key: `ip:${sourceIp}`, maxFailures: IP_MAX_FAILURES });
  return keys;
}

export function userKey(username: string): ThrottleKey {
  return { key: `user:${username.toLowerCase()}`, maxFailures: USER_MAX_FAILURES };
}

/** When the first locked key among `keys` opens again, or null when none is locked. */
export async function lockedUntil(db: Db, keys: ThrottleKey[], now = new Date()): Promise<Date | null> {
  const rows = await db.signinThrottle.findMany({ where: { key: { in: keys.map((k) => k.key) }, lockedUntil: { gt: now } } });
  const times = rows.map((row) => row.lockedUntil?.getTime() ?? 0);
  return times.length ? new Date(Math.max(...times)) : null;
}

/** Counts one failure against each key, locking those that reach their limit. */
export async function recordFailure(db: Db, keys: ThrottleKey[], now = new Date()): Promise<void> {
  for (const key of keys) await countFailure(db, key, now);
}

/** Forgets the failures of `key` (a username, after its owner signed in). */
export async function clearFailures(db: Db, key: ThrottleKey): Promise<void> {
  await db.signinThrottle.deleteMany({ where: { key: key.key } });
}

/** Whole minutes until `until`, at least 1, for "try again in N minutes". */
export function minutesUntil(until: Date, now = new Date()): number {
  return Math.max(1, Math.ceil((until.getTime() - now.getTime()) / 60_000));
}

/**
 * Each statement is atomic on its own, so concurrent failures are all counted without a read-modify-write: make sure
 * the row exists, start a new window if the current one is over, add one, and lock when the limit is reached.
 */
async function countFailure(db: Db, { key, maxFailures }: ThrottleKey, now: Date): Promise<void> {
  try {
    await db.signinThrottle.create({ data: { key, failures: 0, windowStart: now } });
  } catch (err) {
    if (!isUniqueViolation(err)) throw err;
  }
  await db.signinThrottle.updateMany({ where: { key, windowStart: { lte: new Date(now.getTime() - WINDOW_MS) } }, data: { failures: 0, windowStart: now } });
  await db.signinThrottle.updateMany({ where: { key }, data: { failures: { increment: 1 } } });
  await db.signinThrottle.updateMany({
    where: { key, failures: { gte: maxFailures }, OR: [{ lockedUntil: null }, { lockedUntil: { lte: now } }] },
    data: { lockedUntil: new Date(now.getTime() + LOCK_MS) },
  });
}
