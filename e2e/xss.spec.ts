/**
 * Markup smuggled in through the engine is shown as text. A client of the engine's socket (the stock docker CLI, as
 * anyone with access to it could) makes a container whose labels, team label, environment, command and log lines
 * (ANSI-coloured) carry `<img onerror>` / `<script>` payloads, and an image whose label and history do; a failed
 * sign-in puts one in the audit log; a terminal session types one, then an admin replays it. On every page that shows
 * them — containers list, container overview and logs, images list and image detail, the audit log, the transcript
 * player — the payload is readable as text, no dialog opens and no element of the payload's exists.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test, type Page } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn } from "./support/users";

test.describe.configure({ mode: "serial" });

const NAME = "xss-box";
const IMAGE = "xss/evil:1";
/** An element that would run script if parsed as HTML; its id is how a test would find it in the page. */
const img = (tag: string) => `<img id=xss-${tag} src=x onerror=alert('${tag}')>`;
const script = (tag: string) => `<script id=xss-${tag}>alert('${tag}')</script>`;

function docker(args: string[], env: Record<string, string> = {}): string {
  const run = spawnSync(process.env.DOCKER_CLI ?? "/usr/local/bin/docker", args, {
    env: { ...process.env, DOCKER_HOST: process.env.HAKO_E2E_ENGINE, ...env },
    encoding: "utf8",
  });
  if (run.status !== 0) throw new Error(`docker ${args.join(" ")} failed (${run.status}): ${run.stdout}${run.stderr}`);
  return run.stdout;
}

/** Every dialog a page opens, dismissed and remembered. */
function watchDialogs(page: Page): string[] {
  const opened: string[] = [];
  page.on("dialog", (dialog) => {
    opened.push(dialog.message());
    void dialog.dismiss();
  });
  return opened;
}

/** Nothing of any payload became an element, and nothing ran. */
async function expectInert(page: Page, dialogs: string[]): Promise<void> {
  await expect(page.locator("[id^='xss-' i]")).toHaveCount(0);
  await expect(page.locator("b", { hasText: "xss-key" })).toHaveCount(0);
  await page.waitForTimeout(300); // an onerror fires as soon as the broken image would have loaded
  expect(dialogs).toEqual([]);
}

test.beforeAll(async () => {
  ensureAccount(admin);
  await loadBusybox(engineClient());
  spawnSync(process.env.DOCKER_CLI ?? "/usr/local/bin/docker", ["rm", "-f", NAME], { env: { ...process.env, DOCKER_HOST: process.env.HAKO_E2E_ENGINE } });
  docker([
    "run", "-d", "--name", NAME,
    "--label", `xss.label=${img("label")}`,
    "--label", "<b>xss-key</b>=a label whose key is markup",
    "--label", `hako.team=${img("team")}`,
    "--env", `PAYLOAD=${img("env")}`,
    "--env", `SCRIPT=${script("log-script")}`,
    BUSYBOX, "sh", "-c",
    // one plain line, one red (ANSI) line, then a marker; the container stays up for the terminal
    `echo "$PAYLOAD"; printf '\\033[31m%s\\033[0m\\n' "$SCRIPT"; echo "log done"; sleep 600 # ${img("command")}`,
  ]);
  const context = mkdtempSync(join(tmpdir(), "hako-xss-build-"));
  try {
    writeFileSync(join(context, "Dockerfile"), `FROM ${BUSYBOX}\nLABEL xss.image="${img("image-label")}"\nLABEL xss.other="${script("image-script")}"\n`);
    docker(["build", "-t", IMAGE, context], { DOCKER_BUILDKIT: "0" });
  } finally {
    rmSync(context, { recursive: true, force: true });
  }
});

test.afterAll(() => {
  spawnSync(process.env.DOCKER_CLI ?? "/usr/local/bin/docker", ["rm", "-f", NAME], { env: { ...process.env, DOCKER_HOST: process.env.HAKO_E2E_ENGINE } });
  spawnSync(process.env.DOCKER_CLI ?? "/usr/local/bin/docker", ["rmi", IMAGE], { env: { ...process.env, DOCKER_HOST: process.env.HAKO_E2E_ENGINE } });
});

test("containers list and container detail show labels, team, environment, command and log lines as text", async ({ page }, testInfo) => {
  const dialogs = watchDialogs(page);
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/containers`);
  const row = page.getByRole("row").filter({ hasText: NAME });
  await expect(row).toContainText(img("team"));
  await expectInert(page, dialogs);

  const id = (await engineClient().getContainer(NAME).inspect()).Id;
  await page.goto(`${consoleUrl()}/containers/${id}`);
  await expect(page.getByText(img("label"), { exact: true })).toBeVisible();
  await expect(page.getByText("<b>xss-key</b>", { exact: true })).toBeVisible();
  await expect(page.getByText(img("env")).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("xss-container-overview.png"), fullPage: true });
  await expectInert(page, dialogs);

  await page.goto(`${consoleUrl()}/containers/${id}?tab=logs`);
  const log = page.getByRole("log");
  await expect(log).toContainText("log done");
  await expect(log).toContainText(img("env"));
  await expect(log).toContainText(script("log-script")); // the ANSI-coloured line, its colour codes gone
  await expect(log).not.toContainText("[31m");
  await page.screenshot({ path: testInfo.outputPath("xss-container-logs.png"), fullPage: true });
  await expectInert(page, dialogs);
});

test("images list and image detail show labels and history as text", async ({ page }, testInfo) => {
  const dialogs = watchDialogs(page);
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/images`);
  await expect(page.getByRole("row").filter({ hasText: "xss/evil" })).toBeVisible();
  await expectInert(page, dialogs);

  const id = (await engineClient().getImage(IMAGE).inspect()).Id;
  await page.goto(`${consoleUrl()}/images/${encodeURIComponent(id)}`);
  await expect(page.getByText(img("image-label"), { exact: true })).toBeVisible();
  await expect(page.getByText(script("image-script"), { exact: true })).toBeVisible();
  await expectInert(page, dialogs);
  await page.goto(`${consoleUrl()}/images/${encodeURIComponent(id)}?tab=history`);
  await expect(page.getByText(img("image-label")).first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("xss-image-history.png"), fullPage: true });
  await expectInert(page, dialogs);
});

test("the audit log shows a payload user name, the engine-socket rows and a reflected filter as text", async ({ page }, testInfo) => {
  const dialogs = watchDialogs(page);
  // A sign-in attempt under a markup user name: refused by validation, and audited with it in its parameters.
  const failed = await page.request.post(`${consoleUrl()}/api/trpc/auth.signin`, {
    data: { json: { username: img("signin"), password: "wrong-password" } },
    headers: { origin: consoleUrl() },
  });
  expect(failed.ok()).toBe(false);
  // docker exec on the socket with a payload command: an engine-socket row whose parameters carry it.
  docker(["exec", NAME, "echo", img("exec")]);

  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/audit?action=auth.signin&outcome=error`);
  // The parameters are the action's tooltip: the payload is an attribute's text there, not markup.
  const params = page.getByRole("table", { name: "Audit events" }).locator("span[title*='xss-signin']").first();
  await expect(params).toBeAttached();
  expect(JSON.parse((await params.getAttribute("title")) ?? "{}")).toMatchObject({ username: img("signin"), password: "[redacted]" });
  await expectInert(page, dialogs);

  // The watcher records the socket's actions in the background: the page shows them once they are in.
  await expect(async () => {
    await page.goto(`${consoleUrl()}/audit?actor=engine-socket&target=${NAME}`);
    await expect(page.getByRole("table", { name: "Audit events" })).toContainText("container.exec", { timeout: 2000 });
  }).toPass({ timeout: 30_000 });
  const table = page.getByRole("table", { name: "Audit events" });
  await expect(table).toContainText("container.create");
  await expect(table).toContainText(img("team")); // the team column, from the hako.team label
  await page.screenshot({ path: testInfo.outputPath("xss-audit-engine-socket.png"), fullPage: true });
  await expectInert(page, dialogs);

  await page.goto(`${consoleUrl()}/audit?q=${encodeURIComponent(img("query"))}`);
  await expect(page.getByRole("heading", { name: "Audit" })).toBeVisible();
  await expectInert(page, dialogs);
});

test("a terminal session is recorded, says so, and replays markup typed in it as text", async ({ page }, testInfo) => {
  const dialogs = watchDialogs(page);
  await signIn(page, admin);
  const id = (await engineClient().getContainer(NAME).inspect()).Id;
  await page.goto(`${consoleUrl()}/containers/${id}?tab=terminal`);
  await expect(page.getByText("This session is recorded")).toBeVisible();
  await expect(page.getByText("Recording capped at 1 MiB; truncated beyond.", { exact: false })).toBeVisible();
  await expect(page.getByText("Connected")).toBeVisible();
  const terminal = page.getByLabel(`Terminal in ${NAME}`);
  await terminal.click();
  await page.keyboard.type(`echo "${img("typed")}" | tr a-z A-Z\n`);
  await expect(terminal.locator(".xterm-rows")).toContainText("<IMG ID=XSS-TYPED");
  await page.keyboard.type("exit 5\n");
  await expect(page.getByText("Session ended with exit code 5.")).toBeVisible();

  // The console audited this session itself; the engine-socket watcher, which sees its exec on the event stream, does
  // not record it again. A docker exec on the socket afterwards is recorded: once it is in, the watcher is past ours.
  docker(["exec", NAME, "true"]);
  const socketExecs = () => auditRows("actorName = 'engine-socket' AND action = 'container.exec' AND targetName = ?", NAME).map((r) => JSON.parse(r.params ?? "{}") as { command?: string });
  await expect.poll(() => socketExecs().some((p) => p.command === "true"), { timeout: 30_000 }).toBe(true);
  expect(socketExecs().filter((p) => p.command === "sh")).toEqual([]);

  await page.goto(`${consoleUrl()}/audit?action=container.exec&target=${NAME}&actor=${admin.username}`);
  const end = page.getByRole("row").filter({ hasText: "exit code 5" }).first();
  await end.getByRole("link", { name: "Replay" }).click();
  await expect(page.getByRole("heading", { name: "Terminal transcript" })).toBeVisible();
  await expect(page.getByText("recording capped at 1 MiB")).toBeVisible();
  await expect(page.getByRole("status").filter({ hasText: "Finished" })).toBeVisible({ timeout: 30_000 });
  const player = page.getByLabel(`Transcript of the session in ${NAME}`);
  await expect(player.locator(".xterm-rows")).toContainText("<IMG ID=XSS-TYPED");
  await page.getByText(/^Keystrokes/).click();
  await expect(page.getByRole("list", { name: "Keystrokes" })).toContainText(img("typed"));
  await page.screenshot({ path: testInfo.outputPath("xss-transcript-replay.png"), fullPage: true });
  await expectInert(page, dialogs);
});
