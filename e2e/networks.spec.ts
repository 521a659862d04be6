/**
 * Networks from the console, as an operator would use them: create a network on the Networks page (an overlapping
 * subnet refused at its field), run a web server on it from the run form with a published port (a bad port refused
 * first), open the port's link, see the container attached on the network's page, be refused removal while it is in
 * use, then remove it. A viewer sees the page but may not create.
 */
import { expect, test } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn, viewer } from "./support/users";

test.describe.configure({ mode: "serial" });

const NETWORK = "e2e-net";
const CONTAINER = "e2e-web";
// A subnet of its own per run (10.254.x.0/24), away from the engine's defaults and from a concurrent run's.
const octet = 1 + Math.floor(Math.random() * 250);
const SUBNET = `10.254.${octet}.0/24`;
const PAGE_TEXT = "hello from e2e-net";
const COMMAND = `sh -c 'mkdir -p /www && echo "${PAGE_TEXT}" > /www/index.html && exec httpd -f -p 80 -h /www'`;

test.beforeAll(async () => {
  ensureAccount(admin);
  ensureAccount(viewer);
  const docker = engineClient();
  await loadBusybox(docker);
  await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  await docker.getNetwork(NETWORK).remove().catch(() => undefined);
});

test.afterAll(async () => {
  const docker = engineClient();
  await docker.getContainer(CONTAINER).remove({ force: true }).catch(() => undefined);
  await docker.getNetwork(NETWORK).remove().catch(() => undefined);
});

test("create a network on the Networks page; an overlapping subnet is refused at its field", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Networks" }).click();
  await expect(page.getByRole("heading", { name: "Networks" })).toBeVisible();
  await expect(page.getByRole("table", { name: "Networks" }).getByRole("link", { name: "bridge" })).toBeVisible();

  await page.getByRole("button", { name: "New network" }).click();
  const form = page.getByRole("form", { name: "Create network" });
  await form.getByLabel("Network name").fill(NETWORK);
  await form.getByLabel("Subnet").fill(SUBNET);
  await form.getByLabel("Gateway").fill(`10.254.${octet}.1`);
  await form.getByLabel("Labels").fill("purpose=e2e");
  await form.getByRole("button", { name: "Create network" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created network" })).toHaveText(`Created network ${NETWORK}.`);
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: NETWORK, exact: true }) });
  await expect(row).toContainText(SUBNET);
  await expect(row).toContainText(`10.254.${octet}.1`);

  await page.getByRole("button", { name: "New network" }).click();
  await form.getByLabel("Network name").fill("e2e-overlap");
  await form.getByLabel("Subnet").fill(`10.254.${octet}.0/25`);
  await form.getByRole("button", { name: "Create network" }).click();
  await expect(form.getByLabel("Subnet")).toHaveAttribute("aria-invalid", "true");
  await expect(form.getByText(/overlaps with other one.*e2e-net/)).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath("network-overlap.png"), fullPage: true });
  await form.getByRole("button", { name: "Cancel" }).click();
  await expect(page.getByRole("link", { name: "e2e-overlap" })).toHaveCount(0);

  expect(auditRows("action = 'network.create' AND targetName = ?", NETWORK).at(-1)).toMatchObject({ outcome: "ok", actorName: admin.username });
  expect(auditRows("action = 'network.create' AND targetName = ?", "e2e-overlap").at(-1)).toMatchObject({ outcome: "error" });
});

test("run a web server on the network with a published port, and open it from its link", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/containers/new`);
  await page.getByLabel("Image").fill(BUSYBOX);
  await page.getByLabel("Name").fill(CONTAINER);
  await page.getByLabel("Command").fill(COMMAND);
  await page.getByLabel("Network", { exact: true }).selectOption(NETWORK);
  await page.getByLabel("Network aliases").fill("www");
  await page.getByRole("button", { name: "Add port" }).click();
  await page.getByLabel("Port 1 host IP").fill("127.0.0.1");
  await page.getByLabel("Port 1 container port").fill("70000");
  await page.getByRole("button", { name: "Run container" }).click();
  await expect(page.getByText('Port 1: "70000" is not a container port')).toBeVisible();

  await page.getByLabel("Port 1 container port").fill("80");
  await page.getByRole("button", { name: "Run container" }).click();
  await expect(page).toHaveURL(/\/containers\/[0-9a-f]{12,}/);
  await expect(page.getByRole("heading", { name: CONTAINER }).getByText("running")).toBeVisible();

  const ports = page.getByRole("region", { name: "Ports and mounts" });
  const link = ports.getByRole("link", { name: /^127\.0\.0\.1:\d+→80\/tcp$/ });
  await expect(link).toBeVisible();
  const hostPort = /:(\d+)→/.exec(await link.innerText())?.[1];
  await expect(ports.getByRole("link", { name: NETWORK, exact: true })).toHaveAttribute("href", /^\/networks\/[0-9a-f]{12,}$/);
  await expect(link).toHaveAttribute("href", `http://127.0.0.1:${hostPort}`);
  // "running" means the shell started, not that httpd listens yet: until it does, the port proxy hangs up.
  const url = `http://127.0.0.1:${hostPort}/`;
  await expect.poll(async () => (await page.request.get(url).catch(() => null))?.status()).toBe(200);
  expect(await (await page.request.get(url)).text()).toContain(PAGE_TEXT);
  await page.screenshot({ path: testInfo.outputPath("container-ports.png"), fullPage: true });

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Containers" }).click();
  const row = page.getByRole("row").filter({ has: page.getByRole("link", { name: CONTAINER, exact: true }) });
  await expect(row.getByRole("link", { name: `127.0.0.1:${hostPort}→80/tcp` })).toHaveAttribute("href", `http://127.0.0.1:${hostPort}`);
});

test("the network's page shows the container attached, and refuses removal while it is in use", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/networks`);
  await page.getByRole("link", { name: NETWORK, exact: true }).click();
  await expect(page.getByRole("heading", { name: NETWORK })).toBeVisible();
  const attached = page.getByRole("table", { name: `Containers attached to ${NETWORK}` });
  const row = attached.getByRole("row").filter({ has: page.getByRole("link", { name: CONTAINER }) });
  await expect(row).toContainText(new RegExp(`10\\.254\\.${octet}\\.\\d+/24`));
  await expect(row).toContainText("www");
  await page.screenshot({ path: testInfo.outputPath("network-detail.png"), fullPage: true });

  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await expect(page.getByRole("dialog", { name: `Remove network ${NETWORK}?` })).toBeVisible();
  await page.getByRole("button", { name: "Remove network" }).click();
  await expect(page.getByRole("alert").filter({ hasText: "Could not remove" })).toHaveText(`Could not remove ${NETWORK}: Network ${NETWORK} is in use by container (${CONTAINER}): disconnect or remove them first.`);
  expect(auditRows("action = 'network.remove' AND targetName = ?", NETWORK).at(-1)).toMatchObject({ outcome: "error" });

  await row.getByRole("link", { name: CONTAINER }).click();
  await expect(page.getByRole("heading", { name: CONTAINER })).toBeVisible();
});

test("a viewer sees the networks but may not create one", async ({ page }) => {
  await signIn(page, viewer);
  await page.goto(`${consoleUrl()}/networks`);
  await expect(page.getByRole("link", { name: NETWORK, exact: true })).toBeVisible();
  const create = page.getByRole("button", { name: "New network" });
  await expect(create).toBeDisabled();
  await expect(create).toHaveAttribute("title", "Permission network.create is required; your role viewer does not have it.");
});

test("once the container is gone the network is removed", async ({ page }) => {
  await engineClient().getContainer(CONTAINER).remove({ force: true });
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/networks`);
  await page.getByRole("link", { name: NETWORK, exact: true }).click();
  await expect(page.getByRole("table", { name: `Containers attached to ${NETWORK}` })).toHaveCount(0);
  await page.getByRole("button", { name: "Remove", exact: true }).click();
  await page.getByRole("button", { name: "Remove network" }).click();
  await expect(page).toHaveURL(/\/networks\?removed=e2e-net$/);
  await expect(page.getByRole("status").filter({ hasText: "Removed network" })).toHaveText(`Removed network ${NETWORK}.`);
  await expect(page.getByRole("link", { name: NETWORK, exact: true })).toHaveCount(0);
  expect(auditRows("action = 'network.remove' AND targetName = ?", NETWORK).at(-1)).toMatchObject({ outcome: "ok", actorName: admin.username });
  await expect(engineClient().getNetwork(NETWORK).inspect()).rejects.toThrow(/not found/);
});
