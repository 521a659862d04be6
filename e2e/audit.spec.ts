/**
 * The Audit page: an admin filters the log to one container, sees the chain reported intact, downloads the filtered
 * CSV (and the download is itself audited); a viewer is refused the page's data.
 */
import { readFile } from "node:fs/promises";
import { expect, retryOnNetworkChange, test } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn, viewer } from "./support/users";

test.describe.configure({ mode: "serial" });

const NAME = "e2e-audited";

test.beforeAll(async () => {
  ensureAccount(admin);
  ensureAccount(viewer);
  await loadBusybox(engineClient());
  await engineClient().getContainer(NAME).remove({ force: true }).catch(() => undefined);
});

test.afterAll(async () => {
  await engineClient().getContainer(NAME).remove({ force: true }).catch(() => undefined);
});

test("an admin filters the audit log to a container, verifies the chain and downloads the CSV", async ({ page }, testInfo) => {
  await signIn(page, admin);
  // A change through the console, so the log has something to find: run and stop a container over the tRPC API.
  const created = await page.request.post(`${consoleUrl()}/api/trpc/containers.create`, {
    data: { json: { image: BUSYBOX, name: NAME, command: "sleep 600" } },
    headers: { origin: consoleUrl() },
  });
  expect(created.ok(), await created.text()).toBe(true);

  const table = page.getByRole("table", { name: "Audit events" });
  // Starting the container may give its bridge an address on this host, and Chromium then drops its in-flight
  // requests (ERR_NETWORK_CHANGED): the page's first query with them, and queries are not retried, so the page would
  // say it could not load the log. A reload is what a user would do, and only in that case is one done.
  await retryOnNetworkChange(page, async () => {
    await page.goto(`${consoleUrl()}/audit`);
    await expect(table).toBeVisible();
  });
  await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();
  await page.getByLabel("Target").fill(NAME);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`target=${NAME}`));
  // Until the filtered page arrives the previous (unfiltered) rows stay on screen, dimmed and marked busy.
  await expect(table).not.toHaveAttribute("aria-busy", "true");
  await expect(table.getByRole("row").filter({ hasText: "auth.signin" })).toHaveCount(0);
  await expect(table.getByRole("row").filter({ hasText: "container.create" })).toHaveCount(1);
  await expect(table.getByRole("row").filter({ hasText: "container.create" })).toContainText(NAME);

  await page.getByRole("button", { name: "Verify chain" }).click();
  await expect(page.getByRole("status").filter({ hasText: "audit chain" })).toContainText("audit chain intact");
  await page.screenshot({ path: testInfo.outputPath("audit-filtered.png"), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const csv = await readFile((await download.path())!, "utf8");
  const lines = csv.trimEnd().split("\r\n");
  expect(lines[0]).toMatch(/^seq,time,actorId,actorName,/);
  expect(lines.length).toBeGreaterThan(1);
  expect(lines.slice(1).every((l) => l.includes(NAME))).toBe(true);
  expect(auditRows("action = 'audit.export' AND outcome = 'ok'").length).toBeGreaterThan(0);
});

test("a viewer is told the audit log needs a permission they lack, and the refusal is audited", async ({ page }) => {
  await signIn(page, viewer);
  await page.goto(`${consoleUrl()}/audit`);
  await expect(page.getByRole("alert").filter({ hasText: "audit log" })).toContainText("Permission audit.list is required; your role viewer does not have it.");
  expect(auditRows("action = 'audit.list' AND outcome = 'denied' AND actorName = ?", viewer.username).length).toBeGreaterThan(0);
});

test("a change posted from another site is refused before it runs, and the refusal is audited", async ({ page }) => {
  await signIn(page, admin);
  const forged = await page.request.post(`${consoleUrl()}/api/trpc/containers.stop`, {
    data: { json: { id: NAME } },
    headers: { origin: "https://evil.example", "sec-fetch-site": "cross-site" },
  });
  expect(forged.status()).toBe(403);
  expect(await forged.text()).toContain("accepted only from the console's own pages");
  expect(auditRows("action = 'http.cross-origin' AND outcome = 'denied' AND targetName = 'containers.stop'").length).toBeGreaterThan(0);
});
