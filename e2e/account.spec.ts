/**
 * One's own account in a real browser: turn on two-factor sign-in with the secret the page shows (codes computed here
 * with the console's own TOTP module, as an authenticator app would), sign out, and sign in with password and code;
 * create a personal API token, call the tRPC API with it from a client holding no cookie, revoke it, and be refused.
 * An admin resets a password and disables an account on the Users page, and the user feels both at once. Also: a
 * sign-in link cannot send the user to another site.
 */
import { expect, test, type Page } from "./support/test";
import { base32Decode, totp } from "../server/auth/totp";
import { auditRows } from "./support/audit";
import { admin, consoleUrl, ensureAccount, signIn, type Account } from "./support/users";

test.describe.configure({ mode: "serial" });

const tess: Account = { username: "tess", password: "e2e-tess-password", role: "operator" };
const toby: Account = { username: "toby", password: "e2e-toby-password", role: "viewer" };
const umaru: Account = { username: "umaru", password: "e2e-umaru-password", role: "operator" };

test.beforeAll(() => {
  ensureAccount(tess);
  ensureAccount(toby);
  ensureAccount(admin);
  ensureAccount(umaru);
});

async function fillPassword(page: Page, account: Account): Promise<void> {
  await page.getByLabel("Username").fill(account.username);
  await page.getByLabel("Password", { exact: true }).fill(account.password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("two-factor sign-in: enrol with the shown secret, sign out, sign in with password and code", async ({ page }, testInfo) => {
  await signIn(page, tess);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { name: "Account" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Sessions" }).getByRole("row", { name: /This session/ })).toBeVisible();

  const twoFactor = page.getByRole("region", { name: "Two-factor sign-in" });
  await twoFactor.getByRole("button", { name: "Set up two-factor sign-in" }).click();
  const shown = (await twoFactor.getByLabel("Secret key").textContent()) ?? "";
  expect(shown).toMatch(/^[A-Z2-7]{32}$/);
  await expect(twoFactor.getByLabel("Setup link")).toHaveText(`otpauth://totp/Hako:tess?secret=${shown}&issuer=Hako&algorithm=SHA1&digits=6&period=30`);
  const secret = base32Decode(shown);
  if (!secret) throw new Error("the page showed no base32 secret");
  await page.screenshot({ path: testInfo.outputPath("two-factor-enrol.png"), fullPage: true });

  await twoFactor.getByLabel("Code from the app").fill(totp(secret, new Date()));
  await twoFactor.getByRole("button", { name: "Turn on" }).click();
  await expect(twoFactor.getByText("Two-factor sign-in is on.")).toBeVisible();

  await page.getByRole("button", { name: "Sign out", exact: true }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await fillPassword(page, tess);
  const code = page.getByLabel("Code", { exact: true });
  await expect(code).toBeVisible();
  // The password alone opened nothing: the console still sends this browser back to sign-in.
  await page.goto(`${consoleUrl()}/containers`);
  await expect(page).toHaveURL(/\/signin$/);
  await expect(code).toBeVisible(); // the half-finished sign-in resumes at its step

  await code.fill("000000" === totp(secret, new Date(Date.now() - 300_000)) ? "111111" : totp(secret, new Date(Date.now() - 300_000)));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.locator("form").getByRole("alert")).toHaveText("Invalid code.");

  // The next step's code: the enrolment used the current one, and a used code is never accepted twice.
  await code.fill(totp(secret, new Date(Date.now() + 30_000)));
  await page.getByRole("button", { name: "Verify" }).click();
  await expect(page.getByLabel("Signed in user")).toContainText("tess");

  const rows = auditRows("targetName = ? AND action IN ('account.totp.enable', 'auth.signin', 'auth.signin.failed', 'auth.totp.verify')", "tess");
  expect(rows.slice(-4).map((r) => `${r.action}:${r.outcome}`)).toEqual(["account.totp.enable:ok", "auth.signin:ok", "auth.signin.failed:denied", "auth.totp.verify:ok"]);
  for (const row of rows) expect(row.params ?? "").not.toMatch(/\d{6}/);
});

test("a personal API token works as a Bearer header on /api/trpc until it is revoked", async ({ page, playwright }, testInfo) => {
  await signIn(page, toby);
  await page.goto(`${consoleUrl()}/account`);
  const tokens = page.getByRole("region", { name: "API tokens" });
  await tokens.getByLabel("Token name").fill("e2e script");
  await tokens.getByLabel("Expires").selectOption({ label: "7 days" });
  await tokens.getByRole("button", { name: "Create token" }).click();
  const token = (await tokens.getByLabel("New token").textContent()) ?? "";
  expect(token).toMatch(/^hako_[A-Za-z0-9_-]{43}$/);
  await expect(tokens.getByRole("row", { name: /e2e script/ })).toContainText(token.slice(0, 11));
  await page.screenshot({ path: testInfo.outputPath("api-token.png"), fullPage: true });

  // A separate client with no cookies at all: only the token speaks for it.
  const script = await playwright.request.newContext({ baseURL: consoleUrl() });
  const bearer = { authorization: `Bearer ${token}` };
  const me = await script.get("/api/trpc/account.me", { headers: bearer });
  expect(me.status()).toBe(200);
  expect((await me.json()).result.data.json).toMatchObject({ username: "toby", role: "viewer" });
  // It carries the owner's permissions, no more: a viewer's token may not stop containers.
  const stop = await script.post("/api/trpc/containers.stop", { headers: bearer, data: { json: { id: "anything" } } });
  expect(stop.status()).toBe(403);

  await tokens.getByRole("button", { name: "Revoke token e2e script" }).click();
  await page.getByRole("dialog").getByRole("button", { name: "Revoke" }).click();
  await expect(tokens.getByRole("row", { name: /e2e script/ })).toContainText("revoked");
  const after = await script.get("/api/trpc/account.me", { headers: bearer });
  expect(after.status()).toBe(401);
  await script.dispose();

  const rows = auditRows("actorName = ? AND action IN ('token.create', 'token.revoke')", "toby");
  expect(rows.map((r) => `${r.action}:${r.outcome}`)).toEqual(["token.create:ok", "token.revoke:ok"]);
  for (const row of rows) expect(`${row.params} ${row.targetName}`).not.toContain(token.slice(11));
});

test("a sign-in link cannot send the user to another site", async ({ page }) => {
  for (const next of ["https://evil.example", "//evil.example"]) {
    await page.context().clearCookies();
    await page.goto(`${consoleUrl()}/signin?next=${encodeURIComponent(next)}`);
    await fillPassword(page, toby);
    await expect(page.getByLabel("Signed in user")).toContainText("toby");
    expect(page.url()).toBe(`${consoleUrl()}/`);
  }
  await page.context().clearCookies();
  await page.goto(`${consoleUrl()}/signin?next=${encodeURIComponent("/images")}`);
  await fillPassword(page, toby);
  await expect(page).toHaveURL(`${consoleUrl()}/images`);
});

test("an admin resets a password and disables an account; the user's open session ends each time", async ({ browser }, testInfo) => {
  const adminPage = await (await browser.newContext()).newPage();
  const userPage = await (await browser.newContext()).newPage();
  await signIn(adminPage, admin);
  await signIn(userPage, umaru);

  await adminPage.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Users" }).click();
  const row = adminPage.getByRole("row", { name: /^umaru / });
  await expect(row).toContainText("active");
  await row.getByRole("button", { name: "Reset password of umaru" }).click();
  await adminPage.getByRole("dialog").getByLabel("Temporary password").fill("umaru-temporary");
  await adminPage.getByRole("dialog").getByRole("button", { name: "Reset password" }).click();
  await expect(row).toContainText("must change password");
  await adminPage.screenshot({ path: testInfo.outputPath("users.png"), fullPage: true });

  await userPage.reload();
  await expect(userPage).toHaveURL(/\/signin$/);
  await fillPassword(userPage, { ...umaru, password: "umaru-temporary" });
  await userPage.getByLabel("New password", { exact: true }).fill("umaru-own-password");
  await userPage.getByLabel("Confirm new password").fill("umaru-own-password");
  await userPage.getByRole("button", { name: "Set password" }).click();
  await expect(userPage.getByLabel("Signed in user")).toContainText("umaru");

  await row.getByRole("button", { name: "Disable umaru" }).click();
  await adminPage.getByRole("dialog").getByRole("button", { name: "Disable" }).click();
  await expect(row).toContainText("disabled");
  expect((await userPage.request.get(`${consoleUrl()}/api/trpc/account.me`)).status()).toBe(401);
  await userPage.reload();
  await expect(userPage).toHaveURL(/\/signin$/);
  await fillPassword(userPage, { ...umaru, password: "umaru-own-password" });
  await expect(userPage.locator("form").getByRole("alert")).toHaveText("Invalid username or password.");

  await row.getByRole("button", { name: "Enable umaru" }).click();
  await expect(row).toContainText("active");
  await fillPassword(userPage, { ...umaru, password: "umaru-own-password" });
  await expect(userPage.getByLabel("Signed in user")).toContainText("umaru");

  const rows = auditRows("targetName = ? AND action IN ('user.password.reset', 'auth.password.renew', 'user.disable', 'user.enable')", "umaru");
  expect(rows.map((r) => `${r.action}:${r.outcome}:${r.actorName}`)).toEqual([
    "user.password.reset:ok:admin", "auth.password.renew:ok:umaru", "user.disable:ok:admin", "user.enable:ok:admin",
  ]);
  for (const r of rows) expect(r.params ?? "").not.toMatch(/umaru-temporary|umaru-own-password/);
});
