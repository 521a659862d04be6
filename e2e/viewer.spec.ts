/**
 * A viewer watches but does not touch: no Terminal tab, no environment values, no log download, disabled actions
 * with the reason — and the server refuses the same requests sent by hand (FORBIDDEN), each refusal in the audit log.
 */
import { expect, test } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn, viewer } from "./support/users";

test.describe.configure({ mode: "serial" });

const NAME = "e2e-watched";
const SECRET = "viewer-must-not-see-this";
let id = "";

test.beforeAll(async () => {
  ensureAccount(admin);
  ensureAccount(viewer);
  const docker = engineClient();
  await loadBusybox(docker);
  await docker.getContainer(NAME).remove({ force: true }).catch(() => undefined);
  const container = await docker.createContainer({ name: NAME, Image: BUSYBOX, Cmd: ["sh", "-c", "while true; do echo alive; sleep 1; done"], Env: [`TOKEN=${SECRET}`] });
  await container.start();
  id = container.id;
});

test.afterAll(async () => {
  await engineClient().getContainer(NAME).remove({ force: true }).catch(() => undefined);
});

test("a viewer sees the container but no terminal, no secrets and no way to change it", async ({ page }, testInfo) => {
  await signIn(page, viewer);
  await page.goto(`${consoleUrl()}/containers/${id}`);
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  const tabs = page.getByRole("tablist", { name: "Container" });
  await expect(tabs.getByRole("tab", { name: "Logs" })).toBeVisible();
  await expect(tabs.getByRole("tab", { name: "Terminal" })).toHaveCount(0);

  const env = page.getByRole("region", { name: "Environment" });
  await expect(env).toContainText("TOKEN");
  await expect(env).toContainText("Values are hidden");
  await expect(page.getByRole("main")).not.toContainText(SECRET);
  const stop = page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Stop" });
  await expect(stop).toBeDisabled();
  await expect(stop).toHaveAttribute("title", "Permission container.stop is required; your role viewer does not have it.");
  await page.screenshot({ path: testInfo.outputPath("viewer-overview.png"), fullPage: true });

  await tabs.getByRole("tab", { name: "Inspect" }).click();
  await expect(page.getByLabel("Inspect document")).toContainText('"TOKEN=[redacted]"');
  await expect(page.getByLabel("Inspect document")).not.toContainText(SECRET);

  await tabs.getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByRole("log")).toContainText("alive");
  await expect(page.getByRole("button", { name: "Download" })).toBeDisabled();

  await page.goto(`${consoleUrl()}/containers/${id}?tab=terminal`);
  await expect(page.getByRole("alert").filter({ hasText: "terminal is not available" })).toContainText("Permission container.exec is required");
});

test("the server refuses a viewer's exec and log download sent by hand, and audits the refusals", async ({ page }) => {
  await signIn(page, viewer);
  const exec = await page.request.post(`${consoleUrl()}/api/trpc/containers.exec`, { data: { json: { id, command: ["sh"] } } });
  expect(exec.status()).toBe(403);
  expect((await exec.json()).error.json.data.code).toBe("FORBIDDEN");

  const download = await page.request.get(`${consoleUrl()}/api/containers/${id}/logs`);
  expect(download.status()).toBe(403);

  // Even a terminal socket opened directly is refused (the browser sends the session cookie with it).
  const closed = await page.evaluate(async (path) => {
    const ws = new WebSocket(`${location.origin.replace(/^http/, "ws")}${path}`);
    return new Promise<{ code: number; message: string }>((resolve) => {
      let message = "";
      ws.onmessage = (event) => (message = String(event.data));
      ws.onclose = (event) => resolve({ code: event.code, message });
    });
  }, "/api/ws/exec/0123456789abcdef");
  expect(closed.code).toBe(4403);
  expect(closed.message).toContain("Permission container.exec is required");

  const denied = auditRows("actorName = ? AND outcome = 'denied'", viewer.username);
  expect(denied.map((row) => row.action)).toEqual(expect.arrayContaining(["container.exec", "container.logs.download"]));
  expect(denied.filter((row) => row.action === "container.exec")).toHaveLength(2); // the procedure and the socket
});
