/**
 * One's personal API tokens (../../auth/api-tokens.ts): create (the token is returned this once), list, revoke.
 * Revoked tokens stay listed as revoked, so their owner can match them with the audit log.
 */
import { z } from "zod";
import { newApiToken } from "../../auth/api-tokens";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export const MAX_TOKEN_DAYS = 3650;

export const newTokenSchema = z.object({
  name: z.string().trim().min(1, "Name the token after what will use it.").max(100, "A token name has at most 100 characters."),
  /** days until it expires; omitted: never */
  expiresInDays: z.number().int().min(1, "A token lasts at least a day.").max(MAX_TOKEN_DAYS, `A token lasts at most ${MAX_TOKEN_DAYS} days.`).optional(),
});

export type NewToken = z.infer<typeof newTokenSchema>;

export type TokenStatus = "active" | "expired" | "revoked";

export interface TokenSummary {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  expiresAt: Date | null;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  status: TokenStatus;
}

type TokenRow = Omit<TokenSummary, "status">;

function summary(row: TokenRow, now: Date): TokenSummary {
  const status: TokenStatus = row.revokedAt ? "revoked" : row.expiresAt && row.expiresAt <= now ? "expired" : "active";
  const { id, name, prefix, createdAt, expiresAt, lastUsedAt, revokedAt } = row;
  return { id, name, prefix, createdAt, expiresAt, lastUsedAt, revokedAt, status };
}

export async function createToken(db: Db, userId: string, input: NewToken, now = new Date()): Promise<TokenSummary & { token: string }> {
  const { token, tokenHash, prefix } = newApiToken();
  const expiresAt = input.expiresInDays ? new Date(now.getTime() + input.expiresInDays * 24 * 60 * 60 * 1000) : null;
  const row = await db.apiToken.create({ data: { userId, name: input.name, tokenHash, prefix, createdAt: now, expiresAt } });
  return { ...summary(row, now), token };
}

export async function listTokens(db: Db, userId: string, now = new Date()): Promise<TokenSummary[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, orderBy: { createdAt: "desc" } });
  return rows.map((row) => summary(row, now));
}

export async function revokeToken(db: Db, userId: string, id: string, now = new Date()): Promise<TokenSummary> {
  const row = await db.apiToken.findFirst({ where: { id, userId } });
  if (!row) throw new ServiceError("NotFound", "No such token.");
  if (row.revokedAt) throw new ServiceError("Conflict", `Token ${row.name} is already revoked.`);
  return summary(await db.apiToken.update({ where: { id }, data: { revokedAt: now } }), now);
}
