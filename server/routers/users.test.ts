/**
 * An admin managing accounts over the console's HTTP API: the list, disabling (the user's next request is refused),
 * enabling, and resetting a password (sessions end, API tokens stop, a new password is chosen at the next sign-in).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { callHttp, sessionTokenOf } from "../auth/testing/trpc-http";
import { createUser } from "../services/users/create-user";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";

let temp: TempDatabase;
let admin = "";
let adminId = "";
beforeAll(async () => {
  temp = await openTempDatabase();
  process.env.DATABASE_URL = temp.url;
  process.env.HAKO_CONSOLE_DATA = mkdtempSync(join(tmpdir(), "hako-users-test-"));
  adminId = (await createUser(temp.db, { username: "root", password: "admin-password", role: "admin" })).id;
  admin = await cookieOf("root", "admin-password");
});
afterAll(async () => temp.close());

async function cookieOf(username: string, password: string): Promise<string> {
  const res = await callHttp("auth.signin", { input: { username, password } });
  expect(res.status).toBe(200);
  return `hako_session=${sessionTokenOf(res)}`;
}
const as = (cookie: string) => ({ cookie });
const me = (headers: Record<string, string>) => callHttp("account.me", { mutation: false, headers });

describe("user administration", () => {
  it("lists every account with its state", async () => {
    await createUser(temp.db, { username: "frank", password: "frank-password", role: "operator" });
    const list = await callHttp("users.list", { mutation: false, headers: as(admin) });
    expect(list.data).toEqual([
      expect.objectContaining({ username: "frank", role: "operator", disabled: false, totpEnabled: false, mustChangePassword: false, lastSeenAt: null }),
      expect.objectContaining({ username: "root", role: "admin", disabled: false, lastSeenAt: expect.stringMatching(/^\d{4}-/) }),
    ]);
  });

  it("is refused to anyone but an admin, and the refusal is audited", async () => {
    const frank = await cookieOf("frank", "frank-password");
    const res = await callHttp("users.disable", { input: { id: adminId }, headers: as(frank) });
    expect(res.error).toEqual({ code: "FORBIDDEN", message: "Permission user.disable is required; your role operator does not have it." });
    expect(await temp.db.auditEvent.count({ where: { action: "user.disable", outcome: "denied", actorName: "frank" } })).toBe(1);
  });

  it("disabling ends the user's sessions at once and stops their tokens; enabling lets them sign in again", async () => {
    const user = await createUser(temp.db, { username: "gina", password: "gina-password", role: "viewer" });
    const session = await cookieOf("gina", "gina-password");
    const token = ((await callHttp("account.tokens.create", { input: { name: "script" }, headers: as(session) })).data as { token: string }).token;

    const disabled = await callHttp("users.disable", { input: { id: user.id }, headers: as(admin) });
    expect(disabled.data).toEqual({ username: "gina", endedSessions: 1 });
    expect((await me(as(session))).status).toBe(401);
    expect((await me({ authorization: `Bearer ${token}` })).status).toBe(401);
    expect((await callHttp("auth.signin", { input: { username: "gina", password: "gina-password" } })).status).toBe(401);

    expect((await callHttp("users.enable", { input: { id: user.id }, headers: as(admin) })).status).toBe(200);
    expect((await me({ authorization: `Bearer ${token}` })).status).toBe(200);
    await cookieOf("gina", "gina-password");
    const rows = await temp.db.auditEvent.findMany({ where: { targetId: user.id, action: { in: ["user.disable", "user.enable"] } }, orderBy: { seq: "asc" } });
    expect(rows).toEqual([
      expect.objectContaining({ action: "user.disable", outcome: "ok", actorName: "root", targetName: "gina" }),
      expect.objectContaining({ action: "user.enable", outcome: "ok", actorName: "root", targetName: "gina" }),
    ]);
  });

  it("an admin cannot disable or reset their own account here", async () => {
    const res = await callHttp("users.disable", { input: { id: adminId }, headers: as(admin) });
    expect(res.error?.message).toBe("You cannot disable your own account; another admin can.");
    expect((await me(as(admin))).status).toBe(200);
  });

  it("a reset ends sessions, revokes tokens, and makes the user choose a new password before anything else", async () => {
    const user = await createUser(temp.db, { username: "hugo", password: "hugo-password", role: "operator" });
    const session = await cookieOf("hugo", "hugo-password");
    const token = ((await callHttp("account.tokens.create", { input: { name: "ci" }, headers: as(session) })).data as { token: string }).token;

    const reset = await callHttp("users.resetPassword", { input: { id: user.id, password: "temporary-password" }, headers: as(admin) });
    expect(reset.data).toEqual({ username: "hugo", endedSessions: 1, revokedTokens: 1 });
    expect((await me(as(session))).status).toBe(401);
    expect((await me({ authorization: `Bearer ${token}` })).status).toBe(401);

    const signin = await callHttp("auth.signin", { input: { username: "hugo", password: "temporary-password" } });
    expect(signin.data).toEqual({ name: "hugo", role: "operator", next: "password" });
    const pending = `hako_session=${sessionTokenOf(signin)}`;
    expect((await callHttp("auth.status", { mutation: false, headers: as(pending) })).data).toMatchObject({ user: null, pending: { name: "hugo", step: "password" } });
    expect((await me(as(pending))).status).toBe(401);

    const same = await callHttp("auth.renewPassword", { input: { newPassword: "temporary-password" }, headers: as(pending) });
    expect(same.error?.message).toBe("Choose a password different from the current one.");
    const renewed = await callHttp("auth.renewPassword", { input: { newPassword: "hugo-new-password" }, headers: as(pending) });
    expect(renewed.data).toEqual({ name: "hugo", role: "operator", next: null });
    expect((await me(as(`hako_session=${sessionTokenOf(renewed)}`))).status).toBe(200);
    expect((await callHttp("auth.signin", { input: { username: "hugo", password: "hugo-new-password" } })).data).toMatchObject({ next: null });

    const rows = await temp.db.auditEvent.findMany({ where: { targetId: user.id, action: { in: ["user.password.reset", "auth.password.renew"] } }, orderBy: { seq: "asc" } });
    expect(rows.map((r) => [r.action, r.outcome, r.actorName])).toEqual([
      ["user.password.reset", "ok", "root"],
      ["auth.password.renew", "error", "anonymous"],
      ["auth.password.renew", "ok", "hugo"],
    ]);
    expect(rows.map((r) => r.params).join()).not.toMatch(/temporary-password|hugo-new-password/);
  });

  it("a reset can also turn off two-factor sign-in, for a user who lost their authenticator", async () => {
    const user = await createUser(temp.db, { username: "iris", password: "iris-password", role: "viewer" });
    await temp.db.user.update({ where: { id: user.id }, data: { totpEnabled: true, totpSecret: "v1:sealed", totpLastStep: 5 } });
    const keep = await callHttp("users.resetPassword", { input: { id: user.id, password: "temporary-password" }, headers: as(admin) });
    expect(keep.status).toBe(200);
    expect(await temp.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: true, mustChangePassword: true });
    await callHttp("users.resetPassword", { input: { id: user.id, password: "temporary-password", disableTwoFactor: true }, headers: as(admin) });
    expect(await temp.db.user.findUniqueOrThrow({ where: { id: user.id } })).toMatchObject({ totpEnabled: false, totpSecret: null, totpLastStep: null });
    expect((await callHttp("auth.signin", { input: { username: "iris", password: "temporary-password" } })).data).toMatchObject({ next: "password" });
  });
});
