/** tRPC contexts for tests: a signed-in user of a given role, or nobody, against a given database. */
import { randomUUID } from "node:crypto";
import type { Role } from "../auth/permissions";
import type { Db } from "../db";
import { memoryCookies } from "../http/response-cookies";
import type { Context } from "../trpc";

export const testRequest = { sourceIp: "192.0.2.7", userAgent: "vitest", secure: false } as const;

export function anonymousContext(db: Db): Context & { cookies: ReturnType<typeof memoryCookies> } {
  return { db, principal: null, sessionId: null, request: { ...testRequest, requestId: randomUUID() }, cookies: memoryCookies() };
}

export function userContext(db: Db, user: { id: string; name: string; role: Role }, sessionId: string | null = null): Context {
  return { ...anonymousContext(db), principal: { kind: "user", ...user }, sessionId };
}

/** The context of a new user of `role`, made in `db` with a unique name (for router tests). */
export async function newUserContext(db: Db, role: Role): Promise<Context> {
  const user = await db.user.create({ data: { username: `${role}-${Math.random().toString(36).slice(2)}`, passwordHash: "x", role } });
  return userContext(db, { id: user.id, name: user.username, role });
}
