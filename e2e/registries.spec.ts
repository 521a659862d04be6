/**
 * Shipping images from the console, against Debian's docker-registry (htpasswd) on 127.0.0.1: an admin adds the
 * registry with its credentials and tests it; pushes busybox as 127.0.0.1:PORT/team/bb:v1 from the image's Push dialog
 * with a progress bar per layer; after an `rmi` on the engine, pulls it back from the Images page; then a `docker tag`
 * made directly on the engine moves the tag, the image's tag history shows it, and "point back" restores it.
 */
import { createReadStream, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { expect, test } from "./support/test";
import { derivedImageArchive } from "../runtime/testing/derived-image";
import { startRealRegistry, type RealRegistry } from "../runtime/testing/registry-peers";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn } from "./support/users";

test.describe.configure({ mode: "serial" });

let registry: RealRegistry;
let dir: string;
const USER = "team";
const PASSWORD = "e2e-registry-password";

test.beforeAll(async () => {
  ensureAccount(admin);
  await loadBusybox(engineClient());
  registry = await startRealRegistry({ kind: "htpasswd", user: USER, password: PASSWORD });
  dir = mkdtempSync(join(tmpdir(), "hako-e2e-registries-"));
});
test.afterAll(async () => {
  await registry?.stop();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

const ref = () => `${registry.host}/team/bb:v1`;

async function loadOther(): Promise<string> {
  const docker = engineClient();
  const archive = await derivedImageArchive(dir, { name: "e2e/other:1", config: { Labels: { "e2e.other": "yes" } } });
  const response = await docker.loadImage(createReadStream(archive));
  await new Promise<void>((resolve, reject) => docker.modem.followProgress(response, (err: Error | null) => (err ? reject(err) : resolve())));
  return (await docker.getImage("e2e/other:1").inspect()).Id;
}

test("an admin adds a registry with credentials and tests the login", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Registries" }).click();
  await expect(page.getByRole("heading", { name: "Registries" })).toBeVisible();
  await page.getByLabel("Address").fill(`http://${registry.host}/`);
  await page.getByLabel("Username").fill(USER);
  await page.getByLabel("Password or token").fill(PASSWORD);
  await page.getByRole("button", { name: "Add registry" }).click();
  await expect(page.getByRole("cell", { name: registry.host, exact: true })).toBeVisible();
  await page.getByRole("button", { name: `Test ${registry.host}` }).click();
  await expect(page.getByRole("status", { name: `Test of ${registry.host}` })).toContainText("OK: Login Succeeded");
  await page.screenshot({ path: testInfo.outputPath("registries.png"), fullPage: true });

  const added = auditRows("action = 'registry.add' AND outcome = 'ok'");
  expect(added.at(-1)).toMatchObject({ actorName: admin.username, targetName: registry.host });
  expect(added.at(-1)?.params ?? "").not.toContain(PASSWORD);
});

test("push busybox to the registry from the image's Push dialog, with a bar per layer", async ({ page }, testInfo) => {
  await signIn(page, admin);
  const id = (await engineClient().getImage(BUSYBOX).inspect()).Id;
  await page.goto(`${consoleUrl()}/images/${encodeURIComponent(id)}`);
  await expect(page.getByRole("heading", { name: BUSYBOX })).toBeVisible();
  await page.getByRole("button", { name: "Push…" }).click();
  const dialog = page.getByRole("dialog", { name: `Push ${BUSYBOX}` });
  await expect(dialog.getByLabel("Registry")).toHaveValue(registry.host);
  await dialog.getByLabel("Repository and tag").fill("team/bb:v1");
  await expect(dialog.getByText(`Reference: ${ref()}`)).toBeVisible();
  await dialog.getByRole("button", { name: "Push", exact: true }).click();
  await expect(dialog.getByRole("progressbar").first()).toBeVisible();
  await expect(dialog.getByText(`Pushed ${ref()}`)).toBeVisible({ timeout: 60_000 });
  await page.screenshot({ path: testInfo.outputPath("push-progress.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Close" }).click();
});

test("after an rmi on the engine, pull it back from the Images page", async ({ page }, testInfo) => {
  await engineClient().getImage(ref()).remove();
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/images`);
  await page.getByRole("button", { name: "Pull image" }).click();
  const dialog = page.getByRole("dialog", { name: "Pull an image" });
  await expect(dialog.getByLabel("Registry")).toHaveValue(registry.host);
  await dialog.getByLabel("Repository and tag").fill("team/bb:v1");
  await dialog.getByRole("button", { name: "Pull", exact: true }).click();
  await expect(dialog.getByText(`Pulled ${ref()}`)).toBeVisible({ timeout: 60_000 });
  await expect(dialog.getByRole("progressbar").first()).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("pull-progress.png"), fullPage: true });
  await dialog.getByRole("button", { name: "Close" }).click();
  // The outcome stays on the page after the dialog is gone.
  await expect(page.getByRole("region", { name: "Transfers" }).getByText(ref()).first()).toBeVisible();
  expect((await engineClient().getImage(ref()).inspect()).Id).toBe((await engineClient().getImage(BUSYBOX).inspect()).Id);
});

test("a docker tag on the engine shows in the tag history, and point back restores the tag", async ({ page }, testInfo) => {
  const docker = engineClient();
  const busyboxId = (await docker.getImage(BUSYBOX).inspect()).Id;
  const otherId = await loadOther();
  await docker.getImage("e2e/other:1").tag({ repo: `${registry.host}/team/bb`, tag: "v1" });
  expect((await docker.getImage(ref()).inspect()).Id).toBe(otherId);

  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/images/${encodeURIComponent(busyboxId)}?tab=tags`);
  const timeline = page.getByRole("list", { name: "Tag changes" });
  const move = timeline.getByRole("listitem").filter({ hasText: `${ref()}` }).filter({ hasText: "moved" }).filter({ hasText: "engine-socket" }).first();
  await expect(move).toBeVisible({ timeout: 20_000 });
  await expect(move).toContainText(`${busyboxId.slice(7, 19)} → ${otherId.slice(7, 19)}`);
  await page.screenshot({ path: testInfo.outputPath("tag-history-moved.png"), fullPage: true });

  await move.getByRole("button", { name: `Point back to ${busyboxId.slice(7, 19)}` }).click();
  await page.getByRole("dialog", { name: `Point ${ref()} back?` }).getByRole("button", { name: "Point back" }).click();
  await expect(timeline.getByRole("listitem").first()).toContainText(`by ${admin.username} (console)`);
  await expect.poll(async () => (await docker.getImage(ref()).inspect()).Id).toBe(busyboxId);
  await page.screenshot({ path: testInfo.outputPath("tag-history-pointed-back.png"), fullPage: true });
  // The timeline may show the move back before the mutation's answer (and its audit row) arrives; the docker tag above
  // is audited too (actor engine-socket), by the watcher in the background.
  await expect.poll(() => auditRows("action = 'image.tag' AND outcome = 'ok' AND actorName = ?", admin.username).at(-1)?.targetName).toBe(ref());
});
