/**
 * One-time passwords for two-factor sign-in: HOTP (RFC 4226) and TOTP (RFC 6238) with HMAC-SHA-1, 6 digits and 30 s
 * steps — what every authenticator app speaks — plus the base32 (RFC 4648) that carries the secret in otpauth:// URIs.
 *
 * Terms:
 * - **secret**: 20 random bytes shared with the authenticator app, shown to the user once as base32.
 * - **step**: floor(unix time / 30 s); the code of a step is HOTP(secret, step).
 * - **window**: a code is accepted for the step before and after the current one too (clock drift, typing time).
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

export const TOTP_DIGITS = 6;
export const TOTP_STEP_SECONDS = 30;
/** steps accepted on either side of the current one */
export const TOTP_WINDOW = 1;
const SECRET_BYTES = 20; // RFC 4226 recommends 160 bits

const BASE32 = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

export function base32Encode(bytes: Buffer): string {
  let out = "";
  let bits = 0;
  let value = 0;
  for (const byte of bytes) {
    value = (value << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31];
  return out; // unpadded, as authenticator apps expect
}

/** Decodes base32, ignoring case, spaces and padding (people copy secrets by hand); null when not base32. */
export function base32Decode(text: string): Buffer | null {
  const clean = text.replace(/[\s=]/g, "").toUpperCase();
  const out: number[] = [];
  let bits = 0;
  let value = 0;
  for (const char of clean) {
    const index = BASE32.indexOf(char);
    if (index < 0) return null;
    value = ((value << 5) | index) & 0xffff;
    bits += 5;
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff);
      bits -= 8;
    }
  }
  return Buffer.from(out);
}

/** RFC 4226 section 5.3: HMAC over the 8-byte counter, dynamic truncation, the low `digits` decimal digits. */
export function hotp(secret: Buffer, counter: number, digits = TOTP_DIGITS): string {
  const message = Buffer.alloc(8);
  message.writeBigUInt64BE(BigInt(counter));
  const mac = createHmac("sha1", secret).update(message).digest();
  const offset = (mac[mac.length - 1] ?? 0) & 0x0f;
  const binary = mac.readUInt32BE(offset) & 0x7fffffff;
  return String(binary % 10 ** digits).padStart(digits, "0");
}

export function totpStep(now: Date): number {
  return Math.floor(now.getTime() / 1000 / TOTP_STEP_SECONDS);
}

export function totp(secret: Buffer, now: Date, digits = TOTP_DIGITS): string {
  return hotp(secret, totpStep(now), digits);
}

/**
 * The step whose code `code` is, within the window around `now`, or null. Steps at or before `lastStep` (the last one
 * accepted) are refused, so a code seen over someone's shoulder cannot be used again.
 */
export function matchTotp(secret: Buffer, code: string, now: Date, lastStep: number | null): number | null {
  if (!new RegExp(`^\\d{${TOTP_DIGITS}}$`).test(code)) return null;
  const current = totpStep(now);
  for (let step = current - TOTP_WINDOW; step <= current + TOTP_WINDOW; step++) {
    if (lastStep !== null && step <= lastStep) continue;
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code))) return step;
  }
  return null;
}

export function newTotpSecret(): Buffer {
  return randomBytes(SECRET_BYTES);
}

/** The otpauth:// URI authenticator apps import (Google's Key URI format): issuer "Hako", the account's name. */
export function otpauthUri(secret: Buffer, account: string, issuer = "Hako"): string {
  const label = `${encodeURIComponent(issuer)}:${encodeURIComponent(account)}`;
  const params = new URLSearchParams({
    secret: base32Encode(secret),
    issuer,
    algorithm: "SHA1",
    digits: String(TOTP_DIGITS),
    period: String(TOTP_STEP_SECONDS),
  });
  return `otpauth://totp/${label}?${params.toString()}`;
}
