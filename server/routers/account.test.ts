/**
 * One's own account over the console's HTTP API: changing the password, two-factor enrolment and the two-step
 * sign-in it brings, and one's sessions — what the user sees and what the audit log keeps (no passwords, no codes).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { PENDING_TTL_MS } from "../auth/sessions";
import { base32Decode, totp } from "../auth/totp";
import { callHttp, sessionTokenOf } from "../auth/testing/trpc-http";
import { createUser } from "../services/users/create-user";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase();
  process.env.DATABASE_URL = temp.url;
  process.env.HAKO_CONSOLE_DATA = mkdtempSync(join(tmpdir(), "hako-account-test-"));
});
afterAll(async () => temp.close());

async function newUser(username: string, password = "first-password") {
  await createUser(temp.db, { username, password, role: "viewer" });
  return { username, password };
}
async function signedIn(username: string, password = "first-password", ip = "198.51.100.20") {
  const res = await callHttp("auth.signin", { input: { username, password }, headers: { "x-hako-remote-addr": ip, "user-agent": `browser-${ip}` } });
  expect(res.status).toBe(200);
  return { cookie: `hako_session=${sessionTokenOf(res)}`, data: res.data as { next: string | null } };
}
const as = (cookie: string) => ({ cookie });
const inAWhile = (seconds: number) => new Date(Date.now() + seconds * 1000);

describe("changing one's password", () => {
  it("needs the current password, ends every other session, keeps this one, and audits without the passwords", async () => {
    await newUser("carol");
    const laptop = await signedIn("carol", "first-password", "198.51.100.1");
    const phone = await signedIn("carol", "first-password", "198.51.100.2");

    const wrong = await callHttp("account.changePassword", { input: { currentPassword: "not-it", newPassword: "second-password" }, headers: as(laptop.cookie) });
    expect(wrong.status).toBe(400);
    expect(wrong.error?.message).toBe("The current password is not right.");

    const ok = await callHttp("account.changePassword", { input: { currentPassword: "first-password", newPassword: "second-password" }, headers: as(laptop.cookie) });
    expect(ok.data).toEqual({ endedSessions: 1 });
    expect((await callHttp("account.me", { mutation: false, headers: as(phone.cookie) })).status).toBe(401);
    expect((await callHttp("account.me", { mutation: false, headers: as(laptop.cookie) })).status).toBe(200);
    expect((await callHttp("auth.signin", { input: { username: "carol", password: "first-password" } })).status).toBe(401);
    await signedIn("carol", "second-password");

    const rows = await temp.db.auditEvent.findMany({ where: { action: "user.password.change", targetName: "carol" }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => r.outcome)).toEqual(["error", "ok"]);
    for (const row of rows) expect(row.params).not.toMatch(/first-password|second-password|not-it/);
  });
});

describe("sessions", () => {
  it("lists one's own with the current one marked, and revokes one or all others", async () => {
    await newUser("dave");
    const a = await signedIn("dave", "first-password", "198.51.100.11");
    const b = await signedIn("dave", "first-password", "198.51.100.12");
    const c = await signedIn("dave", "first-password", "198.51.100.13");
    const list = (await callHttp("account.sessions.list", { mutation: false, headers: as(a.cookie) })).data as { id: string; current: boolean; sourceIp: string; userAgent: string }[];
    expect(list).toHaveLength(3);
    const current = list.filter((s) => s.current);
    expect(current).toEqual([expect.objectContaining({ sourceIp: "198.51.100.11", userAgent: "browser-198.51.100.11" })]);

    const bId = list.find((s) => s.sourceIp === "198.51.100.12")?.id;
    expect((await callHttp("account.sessions.revoke", { input: { id: bId }, headers: as(a.cookie) })).status).toBe(200);
    expect((await callHttp("account.me", { mutation: false, headers: as(b.cookie) })).status).toBe(401);

    // Someone else's session id is not found, whoever asks.
    const other = await signedIn("carol", "second-password");
    const carolSessions = (await callHttp("account.sessions.list", { mutation: false, headers: as(other.cookie) })).data as { id: string }[];
    const foreign = await callHttp("account.sessions.revoke", { input: { id: carolSessions[0]?.id }, headers: as(a.cookie) });
    expect(foreign.status).toBe(404);

    expect((await callHttp("account.sessions.revokeOthers", { headers: as(a.cookie) })).data).toEqual({ ended: 1 });
    expect((await callHttp("account.me", { mutation: false, headers: as(c.cookie) })).status).toBe(401);
    expect((await callHttp("account.me", { mutation: false, headers: as(a.cookie) })).status).toBe(200);
    expect(await temp.db.auditEvent.count({ where: { action: "session.revoke", actorName: "dave", outcome: "ok" } })).toBe(2);
  });
});

describe("two-factor sign-in", () => {
  let secret: Buffer;
  let fullCookie = "";

  it("enrols in two steps: a secret and otpauth URI, then a matching code turns it on", async () => {
    await newUser("erin");
    const { cookie } = await signedIn("erin");
    const enrol = await callHttp("account.totp.enrol", { headers: as(cookie) });
    const { secret: base32, uri } = enrol.data as { secret: string; uri: string };
    expect(base32).toMatch(/^[A-Z2-7]{32}$/);
    expect(uri).toBe(`otpauth://totp/Hako:erin?secret=${base32}&issuer=Hako&algorithm=SHA1&digits=6&period=30`);
    secret = base32Decode(base32) ?? Buffer.alloc(0);
    const stored = await temp.db.user.findUniqueOrThrow({ where: { username: "erin" } });
    expect(stored.totpSecret).not.toContain(base32); // sealed with the console's key
    expect(stored.totpEnabled).toBe(false);

    const wrong = await callHttp("account.totp.enable", { input: { code: "000000" === totp(secret, new Date()) ? "111111" : "000000" }, headers: as(cookie) });
    expect(wrong.status).toBe(400);
    const code = totp(secret, new Date());
    expect((await callHttp("account.totp.enable", { input: { code }, headers: as(cookie) })).status).toBe(200);
    expect((await callHttp("account.me", { mutation: false, headers: as(cookie) })).data).toMatchObject({ totpEnabled: true });
    const audit = await temp.db.auditEvent.findMany({ where: { action: "account.totp.enable" } });
    expect(audit.map((r) => r.params).join()).not.toContain(code);
  });

  it("then a password opens only a pending session, which grants nothing until the code", async () => {
    const pending = await signedIn("erin");
    expect(pending.data.next).toBe("totp");
    const status = await callHttp("auth.status", { mutation: false, headers: as(pending.cookie) });
    expect(status.data).toMatchObject({ user: null, pending: { name: "erin", step: "totp" } });
    const me = await callHttp("account.me", { mutation: false, headers: as(pending.cookie) });
    expect(me.status).toBe(401);

    const wrong = await callHttp("auth.verifyTotp", { input: { code: totp(secret, inAWhile(-300)) }, headers: as(pending.cookie) });
    expect(wrong.error).toEqual({ code: "UNAUTHORIZED", message: "Invalid code." });

    // The step after the one used to enrol (the enrolment's own code would be a replay).
    const code = totp(secret, inAWhile(30));
    const full = await callHttp("auth.verifyTotp", { input: { code }, headers: as(pending.cookie) });
    expect(full.data).toEqual({ name: "erin", role: "viewer", next: null });
    fullCookie = `hako_session=${sessionTokenOf(full)}`;
    expect(fullCookie).not.toBe(pending.cookie);
    expect((await callHttp("account.me", { mutation: false, headers: as(fullCookie) })).status).toBe(200);
    expect((await callHttp("auth.status", { mutation: false, headers: as(pending.cookie) })).data).toMatchObject({ user: null, pending: null });

    // The same code again, on a new pending session: a replay, refused.
    const again = await signedIn("erin");
    expect((await callHttp("auth.verifyTotp", { input: { code }, headers: as(again.cookie) })).status).toBe(401);

    const rows = await temp.db.auditEvent.findMany({ where: { targetName: "erin", action: { in: ["auth.totp.verify", "auth.signin.failed"] } }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.action, r.outcome])).toEqual([["auth.signin.failed", "denied"], ["auth.totp.verify", "ok"], ["auth.signin.failed", "denied"]]);
    expect(rows.map((r) => r.params).join()).not.toContain(code);
  });

  it("a code without a pending session is refused", async () => {
    const res = await callHttp("auth.verifyTotp", { input: { code: "123456" } });
    expect(res.error).toEqual({ code: "UNAUTHORIZED", message: "Sign in with your password first." });
  });

  it("turns off with the password, and sign-in is one step again", async () => {
    const cookie = fullCookie; // codes of the window around now are used up; the session from before is still good
    expect((await callHttp("account.totp.disable", { input: { password: "wrong-password" }, headers: as(cookie) })).status).toBe(400);
    expect((await callHttp("account.totp.disable", { input: { password: "first-password" }, headers: as(cookie) })).status).toBe(200);
    expect((await signedIn("erin")).data.next).toBeNull();
  });
});

describe("personal API tokens and the account", () => {
  it("a token cannot mint tokens or touch two-factor (refused 403 and audited), while the session still can", async () => {
    await newUser("frank");
    const { cookie } = await signedIn("frank");
    const created = await callHttp("account.tokens.create", { input: { name: "ci" }, headers: as(cookie) });
    expect(created.status).toBe(200);
    const bearer = { authorization: `Bearer ${(created.data as { token: string }).token}` };
    expect((await callHttp("account.me", { mutation: false, headers: bearer })).status).toBe(200);

    const mint = await callHttp("account.tokens.create", { input: { name: "escalate" }, headers: bearer });
    expect(mint.error).toEqual({ code: "FORBIDDEN", message: "API tokens cannot manage the account; sign in with a password." });
    expect(mint.status).toBe(403);
    const enrol = await callHttp("account.totp.enrol", { headers: bearer });
    expect(enrol.status).toBe(403);
    expect(enrol.error?.message).toBe("API tokens cannot manage the account; sign in with a password.");
    const stored = await temp.db.user.findUniqueOrThrow({ where: { username: "frank" } });
    expect(stored.totpSecret).toBeNull();
    expect(await temp.db.apiToken.count({ where: { userId: stored.id } })).toBe(1);
    const denied = await temp.db.auditEvent.findMany({ where: { actorName: "frank", outcome: "denied" }, orderBy: { seq: "asc" } });
    expect(denied.map((r) => [r.action, r.message])).toEqual([
      ["token.create", "API tokens cannot manage the account; sign in with a password."],
      ["account.totp.enrol", "API tokens cannot manage the account; sign in with a password."],
    ]);

    expect((await callHttp("account.tokens.create", { input: { name: "second" }, headers: as(cookie) })).status).toBe(200);
    expect((await callHttp("account.totp.enrol", { headers: as(cookie) })).status).toBe(200);
  });
});

describe("a pending sign-in", () => {
  it("owing only a new password lives PENDING_TTL_MS, and signing out ends it", async () => {
    await newUser("gina");
    await temp.db.user.update({ where: { username: "gina" }, data: { mustChangePassword: true } });
    const before = Date.now();
    const pending = await signedIn("gina");
    expect(pending.data.next).toBe("password");
    const [row] = await temp.db.session.findMany({ where: { user: { username: "gina" } } });
    expect(row?.expiresAt.getTime()).toBeLessThanOrEqual(Date.now() + PENDING_TTL_MS);
    expect(row?.expiresAt.getTime()).toBeGreaterThanOrEqual(before + PENDING_TTL_MS);

    const out = await callHttp("auth.signout", { headers: as(pending.cookie) });
    expect(out.data).toEqual({ signedOut: true });
    expect(await temp.db.session.count({ where: { user: { username: "gina" } } })).toBe(0);
    expect((await callHttp("auth.status", { mutation: false, headers: as(pending.cookie) })).data).toMatchObject({ user: null, pending: null });
    const audit = await temp.db.auditEvent.findMany({ where: { action: "auth.signout", targetName: "gina" } });
    expect(audit.map((r) => [r.outcome, r.actorName])).toEqual([["ok", "gina"]]);

    const nobody = await callHttp("auth.signout", {});
    expect(nobody.error).toEqual({ code: "UNAUTHORIZED", message: "Sign in to continue." });
  });
});
