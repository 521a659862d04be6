/**
 * Session tokens: 32 random bytes, base64url in the cookie. The database stores only their sha256, so a leaked database
 * (or backup) holds no usable session.
 */
import { createHash, randomBytes } from "node:crypto";

export function newSessionToken(): string {
  return randomBytes(32).toString("base64url");
}

export function hashSessionToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

/** Cheap shape check before touching the database: 32 bytes in base64url are 43 characters. */
export function looksLikeSessionToken(value: string): boolean {
  return /^[A-Za-z0-9_-]{43}$/.test(value);
}
