/**
 * Personal API tokens: `hako_` and 32 random bytes in base64url, sent as `Authorization: Bearer <token>`. Only the
 * token's sha256 is stored (with its first characters, to recognise it in a list); the token itself is shown once.
 * A token acts as its owner with the owner's current role; it stops working when revoked, expired, or its owner is
 * disabled.
 */
import { createHash, randomBytes } from "node:crypto";
import type { Db } from "../db";
import { isRole } from "./permissions";
import type { Principal } from "./principal";

export const API_TOKEN_PREFIX = "hako_";
/** how many leading characters of a token are kept in clear, to tell tokens apart in a list */
const SHOWN_CHARACTERS = API_TOKEN_PREFIX.length + 6;
/** lastUsedAt is informational; see the same trade-off for sessions */
const TOUCH_INTERVAL_MS = 60 * 1000;

export function newApiToken(): { token: string; tokenHash: string; prefix: string } {
  const token = `${API_TOKEN_PREFIX}${randomBytes(32).toString("base64url")}`;
  return { token, tokenHash: hashApiToken(token), prefix: token.slice(0, SHOWN_CHARACTERS) };
}

export function hashApiToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

function looksLikeApiToken(value: string): boolean {
  return value.startsWith(API_TOKEN_PREFIX) && /^[A-Za-z0-9_-]{43}$/.test(value.slice(API_TOKEN_PREFIX.length));
}

export interface ResolvedApiToken {
  id: string;
  principal: Principal;
}

export async function resolveApiToken(db: Db, token: string, now = new Date()): Promise<ResolvedApiToken | null> {
  if (!looksLikeApiToken(token)) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashApiToken(token) }, include: { user: true } });
  if (!row || row.revokedAt) return null;
  if (row.expiresAt && row.expiresAt.getTime() <= now.getTime()) return null;
  const { user } = row;
  if (user.disabled || !isRole(user.role)) return null;
  if (!row.lastUsedAt || now.getTime() - row.lastUsedAt.getTime() > TOUCH_INTERVAL_MS) {
    await db.apiToken.updateMany({ where: { id: row.id }, data: { lastUsedAt: now } });
  }
  return { id: row.id, principal: { kind: "user", id: user.id, name: user.username, role: user.role } };
}
