/**
 * First-run setup, sign-in and sign-out as a browser would drive them, against a real (temporary) database, checking
 * what the caller sees and what the audit log records.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { resolveSession } from "../auth/sessions";
import { SIGN_IN_FAILED } from "../services/auth/sign-in";
import { anonymousContext, userContext } from "../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { createCaller } from "./_app";

let temp: TempDatabase;
beforeAll(async () => (temp = await openTempDatabase()));
afterAll(async () => temp.close());

const auditOf = (requestId: string) => temp.db.auditEvent.findMany({ where: { requestId } });

async function rejection(promise: Promise<unknown>): Promise<TRPCError> {
  const error = await promise.then(() => undefined, (err: unknown) => err);
  expect(error).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

describe("first-run setup", () => {
  it("is needed while no user exists, and creates the first admin with a hashed password", async () => {
    const ctx = anonymousContext(temp.db);
    const caller = createCaller(ctx);
    expect(await caller.auth.status()).toEqual({ needsSetup: true, user: null, pending: null });

    expect(await caller.auth.setup({ username: "admin", password: "first-password" })).toEqual({ username: "admin", role: "admin" });

    const admin = await temp.db.user.findUniqueOrThrow({ where: { username: "admin" } });
    expect(admin.role).toBe("admin");
    expect(admin.passwordHash).toMatch(/^\$argon2id\$/);
    expect(await caller.auth.status()).toEqual({ needsSetup: false, user: null, pending: null });
    const [row] = await auditOf(ctx.request.requestId);
    expect(row).toMatchObject({ action: "auth.setup", outcome: "ok", actorName: "anonymous", targetKind: "user", targetId: admin.id, targetName: "admin" });
    expect(row?.params).toContain('"password":"[redacted]"');
    expect(row?.params).not.toContain("first-password");
  });

  it("is refused once a user exists, and the refusal is audited as denied", async () => {
    const ctx = anonymousContext(temp.db);
    const error = await rejection(createCaller(ctx).auth.setup({ username: "mallory", password: "takeover-attempt" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toMatch(/already complete/);
    expect(await temp.db.user.findUnique({ where: { username: "mallory" } })).toBeNull();
    expect(await auditOf(ctx.request.requestId)).toEqual([
      expect.objectContaining({ action: "auth.setup", outcome: "denied", targetName: "mallory" }),
    ]);
  });

  it("refuses a short password with the rule, and creates nothing", async () => {
    const ctx = anonymousContext(temp.db);
    const error = await rejection(createCaller(ctx).auth.setup({ username: "admin2", password: "short" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(await temp.db.user.count({ where: { username: "admin2" } })).toBe(0);
  });
});

describe("sign-in", () => {
  it("opens a session, sets the cookie and audits ok with the user as actor", async () => {
    const ctx = anonymousContext(temp.db);
    expect(await createCaller(ctx).auth.signin({ username: "admin", password: "first-password" })).toEqual({ name: "admin", role: "admin", next: null });

    const cookie = ctx.cookies.session;
    expect(cookie).not.toBeNull();
    const session = await resolveSession(temp.db, cookie?.token);
    expect(session?.principal.name).toBe("admin");
    const [row] = await auditOf(ctx.request.requestId);
    expect(row).toMatchObject({ action: "auth.signin", outcome: "ok", actorName: "admin", actorRole: "admin", sourceIp: "192.0.2.7" });
  });

  it.each([
    ["a wrong password", "admin", "not-the-password", "wrong password"],
    ["an unknown user", "nobody", "whatever-password", "no such user"],
  ])("with %s answers the same generic error and audits the real reason", async (_, username, password, reason) => {
    const ctx = anonymousContext(temp.db);
    const error = await rejection(createCaller(ctx).auth.signin({ username, password }));
    expect(error.code).toBe("UNAUTHORIZED");
    expect(error.message).toBe(SIGN_IN_FAILED);
    expect(ctx.cookies.session).toBeNull();
    const rows = await auditOf(ctx.request.requestId);
    expect(rows).toEqual([expect.objectContaining({ action: "auth.signin.failed", outcome: "denied", actorName: "anonymous", targetName: username })]);
    expect(rows[0]?.message).toContain(reason);
    expect(rows[0]?.params).not.toContain(password);
  });
});

describe("sign-out", () => {
  it("ends the session server-side and clears the cookie", async () => {
    const signIn = anonymousContext(temp.db);
    await createCaller(signIn).auth.signin({ username: "admin", password: "first-password" });
    const token = signIn.cookies.session?.token;
    const session = await resolveSession(temp.db, token);
    if (!session) throw new Error("sign-in opened no session");

    const ctx = { ...userContext(temp.db, { id: session.principal.id ?? "", name: "admin", role: "admin" }, session.id), cookies: signIn.cookies };
    await createCaller(ctx).auth.signout();
    expect(signIn.cookies.session).toBeNull();
    expect(await resolveSession(temp.db, token)).toBeNull();
    expect(await auditOf(ctx.request.requestId)).toEqual([expect.objectContaining({ action: "auth.signout", outcome: "ok", actorName: "admin" })]);
  });
});

describe("first-run setup under a race", () => {
  it("lets exactly one of several simultaneous setups through", async () => {
    await temp.db.session.deleteMany();
    await temp.db.user.deleteMany();
    const attempts = ["r1", "r2", "r3"].map((username) =>
      createCaller(anonymousContext(temp.db)).auth.setup({ username, password: "race-password" }).then(
        () => "ok",
        (err: TRPCError) => err.code,
      ),
    );
    expect((await Promise.all(attempts)).sort()).toEqual(["FORBIDDEN", "FORBIDDEN", "ok"]);
    expect(await temp.db.user.count()).toBe(1);
  });
});
