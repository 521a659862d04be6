/**
 * Running containers from the console, as an operator would: the run form (with its validation), the container's page
 * with a log that follows by itself, an interactive terminal, the stop action and its exit code, and the dashboard
 * that saw it all happen.
 */
import { readFileSync } from "node:fs";
import { expect, test, type Page } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn } from "./support/users";

// In order, on one container, but not serial: a failing step (say, an engine without exec yet) skips nothing after it.
test.describe.configure({ mode: "default" });

const NAME = "e2e-ticker";
// A line to stdout and one to stderr every 0.2 s, coloured; SIGTERM ends it with exit code 7.
const COMMAND = `sh -c 'trap "exit 7" TERM; i=0; while true; do i=$((i+1)); printf "\\033[32mtick\\033[0m %d\\n" $i; echo "warn $i" >&2; sleep 0.2; done'`;

/** The container's page, found through the engine by name (each test may run in a fresh worker). */
async function containerUrl(): Promise<string> {
  const info = await engineClient().getContainer(NAME).inspect();
  return `${consoleUrl()}/containers/${info.Id}`;
}

test.beforeAll(async () => {
  ensureAccount(admin);
  await loadBusybox(engineClient());
});

async function lastTick(page: Page): Promise<number> {
  const text = await page.getByRole("log").innerText();
  const ticks = [...text.matchAll(/tick (\d+)/g)].map((m) => Number(m[1]));
  return Math.max(0, ...ticks);
}

test("run a container from the form: a bad field is refused next to it, then it runs", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Containers" }).click();
  await page.getByRole("link", { name: "Run container" }).click();
  await expect(page.getByRole("heading", { name: "Run container" })).toBeVisible();

  await page.getByLabel("Image").fill(BUSYBOX);
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Command").fill(COMMAND);
  await page.getByLabel("Environment").fill("GREETING=hello\nAPI_TOKEN=e2e-secret-value");
  await page.getByLabel("Labels").fill("team=e2e");
  await page.getByLabel("Memory").fill("12zz");
  await page.getByRole("button", { name: "Run container" }).click();
  await expect(page.getByLabel("Memory")).toHaveAttribute("aria-invalid", "true");
  await expect(page.getByText("Write a size such as 256m or 1g.")).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("run-form-error.png"), fullPage: true });

  await page.getByLabel("Memory").fill("64m");
  await page.getByLabel("PIDs limit").fill("100");
  await page.getByRole("button", { name: "Run container" }).click();

  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/);
  expect(page.url()).toBe(await containerUrl());
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  await expect(page.getByRole("heading", { name: NAME }).getByText("running")).toBeVisible();
  const overview = page.getByRole("tabpanel");
  await expect(overview.getByRole("region", { name: "Labels" })).toContainText("team");
  await expect(overview.getByRole("region", { name: "Environment" })).toContainText("e2e-secret-value"); // an admin reads values
  await expect(overview.getByRole("region", { name: "Resources and security" })).toContainText("67.1 MB");
  await page.screenshot({ path: testInfo.outputPath("container-overview.png"), fullPage: true });
});

test("the logs view follows new lines, tells stderr apart, and highlights a search", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${await containerUrl()}?tab=logs`);
  await expect(page.getByRole("tab", { name: "Logs" })).toHaveAttribute("aria-selected", "true");
  const log = page.getByRole("log");
  await expect(log).toContainText(/tick \d+/);
  const first = await lastTick(page);
  // Newer lines arrive without a reload.
  await expect.poll(() => lastTick(page), { timeout: 15_000 }).toBeGreaterThan(first + 5);
  await expect(log.locator('[data-stream="stderr"]').first()).toContainText(/warn \d+/);
  await expect(log.locator('[data-stream="stdout"]').first().locator("span[style]").first()).toHaveText("tick"); // ANSI green, as a style

  // Scrolling up holds the view still and counts what arrives below; "follow" goes back to the newest line.
  await log.evaluate((el) => el.scrollTo({ top: 0 }));
  const paused = page.getByRole("button", { name: /^Paused · .*follow$/ });
  await expect(paused).toBeVisible();
  await expect(paused).toHaveText(/\d+ new lines/);
  expect(await log.evaluate((el) => el.scrollTop)).toBe(0);
  await paused.click();
  await expect(paused).toHaveCount(0);
  await expect.poll(() => log.evaluate((el) => el.scrollHeight - el.scrollTop - el.clientHeight)).toBeLessThan(30);

  await page.getByLabel("Search the log").fill("warn 3");
  await expect(log.locator("mark").first()).toHaveText("warn 3");
  await page.screenshot({ path: testInfo.outputPath("container-logs.png"), fullPage: true });

  // The whole log as a file, escapes kept as the container wrote them; the download is audited.
  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("button", { name: "Download" }).click()]);
  expect(download.suggestedFilename()).toBe(`${NAME}.log`);
  const text = readFileSync(await download.path(), "utf8");
  expect(text).toContain("\x1b[32mtick\x1b[0m 1\n");
  expect(text).toContain("warn 1\n");
  expect(auditRows("action = 'container.logs.download' AND targetName = ?", NAME).at(-1)).toMatchObject({ outcome: "ok", actorName: admin.username });
});

test("the stats tab charts CPU, memory and processes as samples arrive", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${await containerUrl()}?tab=stats`);
  await expect(page.getByLabel("Processes now")).toHaveText(/^[1-9]\d*$/);
  await expect(page.getByLabel(/^Memory.* now$/)).toHaveText(/\d+(\.\d+)? (kB|MB)/);
  await expect(page.getByLabel(/^CPU.* now$/)).toHaveText(/\d+\.\d %/);
  await expect.poll(() => page.locator("figure polyline").first().getAttribute("points").then((p) => p?.split(" ").length ?? 0)).toBeGreaterThan(2);
  await page.screenshot({ path: testInfo.outputPath("container-stats.png"), fullPage: true });
});

/** The size (`rows cols`) printed on the line just above `marker`'s own line, as xterm.js shows them (one row per line). */
async function sizeAbove(page: Page, marker: string): Promise<{ rows: number; cols: number } | undefined> {
  const lines = (await page.locator(".xterm-rows > div").allInnerTexts()).map((line) => line.trim());
  const at = lines.lastIndexOf(marker);
  const m = at > 0 ? /^(\d+) (\d+)$/.exec(lines[at - 1] ?? "") : null;
  return m ? { rows: Number(m[1]), cols: Number(m[2]) } : undefined;
}

/** Types `stty size; echo <marker>` and reads its answer: the marker tells it apart from earlier answers. */
async function sttySize(page: Page, marker: string, timeout = 15_000): Promise<{ rows: number; cols: number }> {
  await page.keyboard.type(`stty size; echo ${marker}\n`);
  await expect.poll(() => sizeAbove(page, marker), { timeout }).toBeDefined();
  const size = await sizeAbove(page, marker);
  if (!size) throw new Error(`no size printed above ${marker}`);
  return size;
}

test("the terminal runs commands in the container, follows the window's size, and says how the session ended", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${await containerUrl()}?tab=terminal`);
  await expect(page.getByText("Connected")).toBeVisible();
  const terminal = page.getByLabel(`Terminal in ${NAME}`);
  await terminal.click();
  await page.keyboard.type("echo $((6*7))\n");
  await expect(terminal.locator(".xterm-rows")).toContainText("42");
  await page.screenshot({ path: testInfo.outputPath("container-terminal.png"), fullPage: true });

  // The pty has the size of the box it is drawn in, and follows it when the window changes.
  const wide = await sttySize(page, "size-wide");
  expect(wide.cols).toBeGreaterThan(100);
  await page.setViewportSize({ width: 900, height: 600 });
  // The resize travels ResizeObserver → fit addon → WebSocket → console → engine → pty, and may land after the next
  // command: ask again until the newest answer is the smaller size.
  let asked = 0;
  await expect(async () => {
    const narrow = await sttySize(page, `size-narrow-${++asked}`, 5000);
    expect(narrow.cols).toBeLessThan(wide.cols);
    expect(narrow.rows).toBeLessThan(wide.rows);
  }).toPass({ timeout: 30_000 });

  await page.keyboard.type("exit 3\n");
  await expect(page.getByText("Session ended with exit code 3.")).toBeVisible();

  // The audit log has the session's start (the exec, with its command) and its end (with the exit code).
  const rows = auditRows("action = 'container.exec' AND actorName = ? AND targetName = ?", admin.username, NAME);
  expect(rows.at(-2)).toMatchObject({ outcome: "ok", params: expect.stringContaining('"command":["sh"]') });
  expect(rows.at(-1)).toMatchObject({ outcome: "ok", message: "terminal ended; exit code 3", params: expect.stringContaining('"exitCode":3') });
});

test("a WebSocket that cannot get through (a proxy dropping upgrades) is explained, not left spinning", async ({ page }, testInfo) => {
  // Like a reverse proxy without upgrade support: the handshake goes to a path the console refuses outright.
  await page.addInitScript(() => {
    const Original = window.WebSocket;
    window.WebSocket = class extends Original {
      constructor(url: string | URL, protocols?: string | string[]) {
        super(String(url).replace("/api/ws/", "/api/ws-blocked/"), protocols);
      }
    };
  });
  await signIn(page, admin);
  await page.goto(`${await containerUrl()}?tab=terminal`);
  await expect(page.getByRole("alert").filter({ hasText: "WebSocket" })).toContainText(
    "The terminal's WebSocket could not connect. If the console is behind a reverse proxy",
  );
  await page.screenshot({ path: testInfo.outputPath("terminal-blocked.png"), fullPage: true });
});

test("stop asks first, naming the container, then shows the exit code", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(await containerUrl());
  await page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Stop" }).click();
  const dialog = page.getByRole("dialog", { name: `Stop container ${NAME}?` });
  await expect(dialog).toBeVisible();
  await dialog.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Stopped ${NAME}` })).toHaveText(`Stopped ${NAME}: exited with code 7.`);
  await expect(page.getByRole("heading", { name: NAME })).toContainText("exited");
  await expect(page.getByRole("heading", { name: NAME })).toContainText("exit code 7");
  await page.screenshot({ path: testInfo.outputPath("container-stopped.png"), fullPage: true });
});

test("the dashboard shows the host, containers by state and the recent events", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(consoleUrl());
  await expect(page.getByRole("heading", { name: "Dashboard" })).toBeVisible();
  await expect(page.getByText("Host memory used by containers")).toBeVisible();
  await expect(page.getByLabel("exited containers")).not.toHaveText("0");
  const events = page.getByRole("list", { name: "Events" });
  await expect(events).toContainText(NAME);
  await expect(events.getByRole("listitem").filter({ hasText: NAME }).filter({ hasText: "die" }).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("dashboard.png"), fullPage: true });
});
