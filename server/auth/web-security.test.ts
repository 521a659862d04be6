/**
 * The console's HTTP API as an attacker or a script meets it: cookie flags, session fixation, brute-force lockout,
 * personal API tokens as Bearer credentials, and a half-finished (two-factor pending) sign-in that grants nothing.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createUser } from "../services/users/create-user";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { callHttp, sessionTokenOf } from "./testing/trpc-http";
import { hashSessionToken } from "./session-token";
import { IP_MAX_FAILURES, USER_MAX_FAILURES } from "./throttle";

let temp: TempDatabase;
const password = "web-security-password";

beforeAll(async () => {
  temp = await openTempDatabase();
  process.env.DATABASE_URL = temp.url;
  process.env.HAKO_CONSOLE_DATA = mkdtempSync(join(tmpdir(), "hako-web-security-"));
  for (const username of ["alice", "bob", "locked-out", "token-owner"]) await createUser(temp.db, { username, password, role: "operator" });
});
afterAll(async () => temp.close());

const signIn = (username: string, headers: Record<string, string> = {}, pass = password) =>
  callHttp("auth.signin", { input: { username, password: pass }, headers });
const cookieFor = (token: string) => ({ cookie: `hako_session=${token}` });

describe("the session cookie", () => {
  it("is HttpOnly, SameSite=Lax, Path=/ with an expiry, and not Secure over plain http", async () => {
    const res = await signIn("alice");
    expect(res.status).toBe(200);
    const cookie = res.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/^hako_session=[A-Za-z0-9_-]{43}; /);
    expect(cookie).toContain("HttpOnly");
    expect(cookie).toContain("SameSite=Lax");
    expect(cookie).toContain("Path=/");
    expect(cookie).toMatch(/Expires=\w{3}, /);
    expect(cookie).not.toContain("Secure");
  });

  it("is Secure behind an https proxy (X-Forwarded-Proto) and when served over https", async () => {
    const proxied = await signIn("alice", { "x-forwarded-proto": "https" });
    expect(proxied.headers.get("set-cookie")).toMatch(/; Secure/);
    const direct = await callHttp("auth.signin", { input: { username: "alice", password }, url: "https://console.test" });
    expect(direct.headers.get("set-cookie")).toMatch(/; Secure/);
  });
});

describe("session fixation", () => {
  it("never adopts a cookie presented before sign-in: a fresh token is issued and a known one is ended", async () => {
    const planted = "P".repeat(43); // a token an attacker made up and planted in the victim's browser
    const first = await signIn("alice", cookieFor(planted));
    const token = sessionTokenOf(first);
    expect(token).not.toBeNull();
    expect(token).not.toBe(planted);
    expect(await temp.db.session.findUnique({ where: { tokenHash: hashSessionToken(token ?? "") } })).not.toBeNull();

    // Signing in again with a session the attacker also holds ends that session; the attacker's copy is dead.
    const again = await signIn("alice", cookieFor(token ?? ""));
    expect(sessionTokenOf(again)).not.toBe(token);
    const status = await callHttp("auth.status", { mutation: false, headers: cookieFor(token ?? "") });
    expect(status.data).toMatchObject({ user: null });
  });
});

describe("brute force", () => {
  it(`locks a username after ${USER_MAX_FAILURES} failures, says so in words, and refuses even the right password`, async () => {
    for (let i = 0; i < USER_MAX_FAILURES; i++) {
      const res = await signIn("locked-out", { "x-hako-remote-addr": `203.0.113.${i + 1}` }, "wrong-password");
      expect(res.status).toBe(401);
      expect(res.error?.message).toBe("Invalid username or password.");
    }
    const locked = await signIn("locked-out", { "x-hako-remote-addr": "203.0.113.99" });
    expect(locked.status).toBe(429);
    expect(locked.error).toEqual({ code: "TOO_MANY_REQUESTS", message: "Too many failed sign-ins; try again in 15 minutes." });
    expect(sessionTokenOf(locked)).toBeNull();

    const rows = await temp.db.auditEvent.findMany({ where: { targetName: "locked-out" }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([
      ...Array.from({ length: USER_MAX_FAILURES }, () => ["auth.signin.failed", "denied"]),
      ["auth.signin.locked", "denied"],
    ]);
    expect(rows.at(-1)?.params).not.toContain(password);
  });

  it("locks an unknown username the same way, so a lock does not tell which names exist", async () => {
    for (let i = 0; i < USER_MAX_FAILURES; i++) await signIn("no-such-person", { "x-hako-remote-addr": `203.0.113.${50 + i}` }, "guess");
    expect((await signIn("no-such-person", {}, "guess")).status).toBe(429);
  });

  it(`locks a source address after ${IP_MAX_FAILURES} failures across usernames, leaving other addresses alone`, async () => {
    const from = { "x-hako-remote-addr": "192.0.2.200" };
    for (let i = 0; i < IP_MAX_FAILURES; i++) await signIn(`sprayed-${i}`, from, "Summer2026!");
    const locked = await signIn("alice", from);
    expect(locked.status).toBe(429);
    expect(locked.error?.message).toMatch(/^Too many failed sign-ins; try again in \d+ minutes?\.$/);
    expect((await signIn("alice", { "x-hako-remote-addr": "192.0.2.201" })).status).toBe(200);
  });

  it("a success clears the username's failures", async () => {
    for (let i = 0; i < USER_MAX_FAILURES - 1; i++) await signIn("bob", {}, "wrong-password");
    expect((await signIn("bob")).status).toBe(200);
    for (let i = 0; i < USER_MAX_FAILURES - 1; i++) await signIn("bob", {}, "wrong-password");
    expect((await signIn("bob")).status).toBe(200);
  });
});

describe("personal API tokens as Bearer credentials", () => {
  let session = "";
  let token = "";
  let tokenId = "";
  beforeAll(async () => {
    session = sessionTokenOf(await signIn("token-owner")) ?? "";
    const created = await callHttp("account.tokens.create", { input: { name: "ci" }, headers: cookieFor(session) });
    ({ token, id: tokenId } = created.data as { token: string; id: string });
  });

  it("acts as its owner on the tRPC API, and is stored and audited only as a hash", async () => {
    expect(token).toMatch(/^hako_[A-Za-z0-9_-]{43}$/);
    const me = await callHttp("account.me", { mutation: false, headers: { authorization: `Bearer ${token}` } });
    expect(me.status).toBe(200);
    expect(me.data).toMatchObject({ username: "token-owner", role: "operator" });
    const row = await temp.db.apiToken.findUniqueOrThrow({ where: { id: tokenId } });
    expect(JSON.stringify(row)).not.toContain(token.slice(5));
    const audit = await temp.db.auditEvent.findMany({ where: { action: "token.create" } });
    expect(JSON.stringify(audit)).not.toContain(token.slice(5));
  });

  it("is refused when unknown, and ignores any session cookie sent beside it", async () => {
    const forged = await callHttp("account.me", { mutation: false, headers: { authorization: `Bearer hako_${"x".repeat(43)}`, ...cookieFor(session) } });
    expect(forged.status).toBe(401);
    expect((await callHttp("account.me", { mutation: false, headers: { authorization: "Basic dXNlcjpwYXNz", ...cookieFor(session) } })).status).toBe(401);
  });

  it("passes the CSRF check only as a non-browser request: with a foreign Origin it is refused like any other", async () => {
    const res = await callHttp("account.tokens.create", { input: { name: "x" }, headers: { authorization: `Bearer ${token}`, origin: "https://evil.example" } });
    expect(res.status).toBe(403);
    expect(res.error?.message).toContain("evil.example");
  });

  it("stops working once revoked", async () => {
    const revoked = await callHttp("account.tokens.revoke", { input: { id: tokenId }, headers: cookieFor(session) });
    expect(revoked.status).toBe(200);
    const after = await callHttp("account.me", { mutation: false, headers: { authorization: `Bearer ${token}` } });
    expect(after.status).toBe(401);
    expect(after.error?.message).toBe("Sign in to continue.");
  });

  it("stops working once expired, and while its owner is disabled", async () => {
    const created = (await callHttp("account.tokens.create", { input: { name: "short", expiresInDays: 1 }, headers: cookieFor(session) })).data as { token: string; id: string };
    const bearer = { authorization: `Bearer ${created.token}` };
    expect((await callHttp("account.me", { mutation: false, headers: bearer })).status).toBe(200);

    const owner = await temp.db.user.update({ where: { username: "token-owner" }, data: { disabled: true } });
    expect((await callHttp("account.me", { mutation: false, headers: bearer })).status).toBe(401);
    await temp.db.user.update({ where: { id: owner.id }, data: { disabled: false } });

    await temp.db.apiToken.update({ where: { id: created.id }, data: { expiresAt: new Date(Date.now() - 1000) } });
    expect((await callHttp("account.me", { mutation: false, headers: bearer })).status).toBe(401);
  });
});
