/**
 * Password hashing: argon2id with the library's defaults (19 MiB, 2 passes, 1 lane — OWASP's minimum for argon2id).
 * The PHC string carries its own parameters, so raising them later keeps old hashes verifiable.
 */
import { hash, verify } from "@node-rs/argon2";

// Argon2id is @node-rs/argon2's default algorithm; its `Algorithm` is an ambient const enum that isolatedModules cannot
// read, so the choice is checked by a test (the hash starts with `$argon2id$`) instead of being passed here.
export function hashPassword(password: string): Promise<string> {
  return hash(password);
}

export async function verifyPassword(passwordHash: string, password: string): Promise<boolean> {
  try {
    return await verify(passwordHash, password);
  } catch {
    return false; // a malformed stored hash verifies nothing
  }
}

let dummyHash: Promise<string> | undefined;

/**
 * Spends the same time as a real verification, for sign-in attempts with an unknown username, so response time does
 * not tell which usernames exist.
 */
export async function verifyNothing(password: string): Promise<false> {
  dummyHash ??= hash("hako-dummy-password-never-matches");
  await verifyPassword(await dummyHash, password);
  return false;
}
