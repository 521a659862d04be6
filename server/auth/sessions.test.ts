import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { hashSessionToken } from "./session-token";
import { closeSession, lookupSession, openSession, PENDING_TTL_MS, resolveSession, SESSION_TTL_MS } from "./sessions";

let temp: TempDatabase;
let userId: string;
const origin = { sourceIp: "192.0.2.7", userAgent: "vitest" };

beforeAll(async () => {
  temp = await openTempDatabase();
  userId = (await temp.db.user.create({ data: { username: "alice", passwordHash: "x", role: "operator" } })).id;
});
afterAll(async () => temp.close());

describe("sessions", () => {
  it("stores only the token's sha256 and resolves the token to its user", async () => {
    const opened = await openSession(temp.db, userId, origin);
    expect(opened.token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    const row = await temp.db.session.findUniqueOrThrow({ where: { id: opened.id } });
    expect(row.tokenHash).toBe(hashSessionToken(opened.token));
    expect(JSON.stringify(row)).not.toContain(opened.token);

    const resolved = await resolveSession(temp.db, opened.token);
    expect(resolved?.principal).toEqual({ kind: "user", id: userId, name: "alice", role: "operator" });
  });

  it("expires after SESSION_TTL_MS and deletes the expired row", async () => {
    const start = new Date("2026-11-28T10:00:00Z");
    const opened = await openSession(temp.db, userId, origin, start);
    expect(opened.expiresAt.getTime() - start.getTime()).toBe(SESSION_TTL_MS);

    const justBefore = new Date(start.getTime() + SESSION_TTL_MS - 1000);
    expect(await resolveSession(temp.db, opened.token, justBefore)).not.toBeNull();
    const atExpiry = new Date(start.getTime() + SESSION_TTL_MS);
    expect(await resolveSession(temp.db, opened.token, atExpiry)).toBeNull();
    expect(await temp.db.session.findUnique({ where: { id: opened.id } })).toBeNull();
  });

  it("refuses unknown, malformed and closed tokens, and sessions of disabled users", async () => {
    expect(await resolveSession(temp.db, undefined)).toBeNull();
    expect(await resolveSession(temp.db, "short")).toBeNull();
    expect(await resolveSession(temp.db, "A".repeat(43))).toBeNull();

    const closed = await openSession(temp.db, userId, origin);
    await closeSession(temp.db, closed.id);
    expect(await resolveSession(temp.db, closed.token)).toBeNull();

    const bob = await temp.db.user.create({ data: { username: "bob", passwordHash: "x", role: "viewer", disabled: true } });
    const disabled = await openSession(temp.db, bob.id, origin);
    expect(await resolveSession(temp.db, disabled.token)).toBeNull();
  });
});

describe("pending sessions", () => {
  it("a session owing a two-factor code is found but is no principal, and lives only PENDING_TTL_MS", async () => {
    const start = new Date();
    const opened = await openSession(temp.db, userId, origin, start, { secondFactorPending: true });
    expect(opened.expiresAt.getTime() - start.getTime()).toBe(PENDING_TTL_MS);
    expect(await lookupSession(temp.db, opened.token)).toEqual({ kind: "pending", pending: { id: opened.id, step: "totp", userId, name: "alice" } });
    expect(await resolveSession(temp.db, opened.token)).toBeNull();
  });

  it("every session of a user who must choose a new password is pending until they do", async () => {
    const opened = await openSession(temp.db, userId, origin);
    await temp.db.user.update({ where: { id: userId }, data: { mustChangePassword: true } });
    expect(await lookupSession(temp.db, opened.token)).toMatchObject({ kind: "pending", pending: { step: "password" } });
    expect(await resolveSession(temp.db, opened.token)).toBeNull();
    await temp.db.user.update({ where: { id: userId }, data: { mustChangePassword: false } });
    expect(await lookupSession(temp.db, opened.token)).toMatchObject({ kind: "full" });
  });
});
