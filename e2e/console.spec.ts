/**
 * The console's first run, end to end: a fresh console sends the visitor to setup; the admin signs in; a container
 * started through the engine's Docker API (as `docker run` would) shows up on the open Containers page by itself,
 * exited with code 3; the loaded image shows on the Images page with its size and digest; sign-out ends the session.
 */
import { expect, test, type Page } from "./support/test";
import { BUSYBOX, engineClient, loadBusybox, runToExit } from "./support/engine";

const consoleUrl = () => {
  const url = process.env.HAKO_E2E_URL;
  if (!url) throw new Error("HAKO_E2E_URL is not set; run through playwright.config.ts");
  return url;
};

const admin = { username: "admin", password: "e2e-admin-password" };

test.describe.configure({ mode: "serial" });

async function signIn(page: Page, password: string): Promise<void> {
  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password", { exact: true }).fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
}

test("first run: set up the admin, sign in, watch a container exit 3, see the image, sign out", async ({ page }, testInfo) => {
  await page.goto(`${consoleUrl()}/containers`);
  await expect(page).toHaveURL(/\/setup$/);

  await page.getByLabel("Username").fill(admin.username);
  await page.getByLabel("Password", { exact: true }).fill(admin.password);
  await page.getByLabel("Confirm password").fill(admin.password);
  await page.getByRole("button", { name: "Create admin" }).click();

  await expect(page).toHaveURL(/\/signin\?created=admin$/);
  await expect(page.getByRole("status")).toHaveText("Admin admin created. Sign in to continue.");
  await signIn(page, admin.password);

  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByLabel("Signed in user")).toHaveText(/admin\s+admin/);

  // Open the Containers page before anything runs: what follows must appear without a reload.
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Containers" }).click();
  await expect(page.getByText("No containers yet")).toBeVisible();

  const docker = engineClient();
  await loadBusybox(docker);
  const run = await runToExit(docker, "e2e-exit-3", ["sh", "-c", "echo oops >&2; exit 3"]);
  expect(run.exitCode).toBe(3);

  const row = page.getByRole("row", { name: /e2e-exit-3/ });
  await expect(row).toBeVisible();
  const cells = row.getByRole("cell");
  await expect(cells.nth(1)).toHaveText("exited");
  await expect(cells.nth(2)).toHaveText(BUSYBOX);
  await expect(cells.nth(4)).toHaveText(/^Exited \(3\) /);
  await expect(cells.nth(5)).toHaveText("3");
  await page.screenshot({ path: testInfo.outputPath("containers.png"), fullPage: true });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Images" }).click();
  const image = page.getByRole("row", { name: new RegExp(BUSYBOX.replace(/\./g, "\\.")) });
  await expect(image).toBeVisible();
  const imageCells = image.getByRole("cell");
  await expect(imageCells.nth(1)).toHaveText(/^[0-9a-f]{12}$/);
  await expect(imageCells.nth(2)).toHaveText(/^sha256:[0-9a-f]{12}…$/);
  await expect(imageCells.nth(3)).toHaveText(/^\d+(\.\d+)? (kB|MB)$/);
  await expect(imageCells.nth(3).locator("span")).toHaveAttribute("title", /^[\d,]+ bytes$/);
  await page.screenshot({ path: testInfo.outputPath("images.png"), fullPage: true });

  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/signin$/);
  await page.goto(`${consoleUrl()}/containers`);
  await expect(page).toHaveURL(/\/signin$/);

  await docker.getContainer(run.id).remove();
});

test("a wrong password is refused where the user typed it, and nothing opens", async ({ page }) => {
  await page.goto(`${consoleUrl()}/signin`);
  await signIn(page, "not-the-password");

  const form = page.locator("form");
  await expect(form.getByRole("alert")).toHaveText("Invalid username or password.");
  await expect(page).toHaveURL(/\/signin$/);
  await expect(page.getByLabel("Password", { exact: true })).toBeVisible();
  const cookies = await page.context().cookies();
  expect(cookies.find((cookie) => cookie.name === "hako_session")).toBeUndefined();
});

test("an engine that stops answering shows a banner that clears by itself when it answers again", async ({ page }, testInfo) => {
  const enginePid = Number(process.env.HAKO_E2E_ENGINE_PID);
  await page.emulateMedia({ colorScheme: "dark" }); // so the run also keeps a dark-mode screenshot
  await page.goto(`${consoleUrl()}/signin`);
  await signIn(page, admin.password);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Images" }).click();
  await expect(page.getByRole("row", { name: /busybox/ })).toBeVisible();
  const banner = page.getByRole("alert").filter({ hasText: "Engine unreachable" });
  await expect(banner).toHaveCount(0);

  // SIGSTOP: the socket still accepts connections but nothing answers, the hardest case for a client to notice.
  process.kill(enginePid, "SIGSTOP");
  try {
    await expect(banner).toBeVisible({ timeout: 20_000 });
    await expect(banner).toContainText(`is hakod running at ${process.env.HAKO_E2E_ENGINE}?`);
    await expect(page.getByRole("row", { name: /busybox/ })).toBeVisible(); // the last known list stays
    await page.screenshot({ path: testInfo.outputPath("engine-unreachable.png"), fullPage: true });
  } finally {
    process.kill(enginePid, "SIGCONT");
  }
  await expect(banner).toHaveCount(0, { timeout: 20_000 });
});
