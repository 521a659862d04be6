/**
 * A team shares a Hako: an admin creates a team and two users (a viewer and an operator in it); the operator runs a
 * container for the team; the viewer sees it — and not a container outside the team — but gets no terminal and no
 * stop button, and a stop forged by hand is refused 403 and audited; the operator stops it; the admin filters the
 * audit log to that container and downloads the CSV. Both users are viewers globally: what they may do in the team
 * comes from their team role.
 */
import { readFile } from "node:fs/promises";
import { expect, test, type Page } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn, type Account } from "./support/users";

test.describe.configure({ mode: "serial" });

const TEAM = "e2e-web";
const NAME = "e2e-team-app";
const OUTSIDER = "e2e-no-team"; // created on the engine's socket: no team label
const teamViewer: Account = { username: "tova", password: "e2e-tova-password", role: "viewer" };
const teamOperator: Account = { username: "omar", password: "e2e-omar-password", role: "viewer" };

async function removeContainers(): Promise<void> {
  for (const name of [NAME, OUTSIDER]) await engineClient().getContainer(name).remove({ force: true }).catch(() => undefined);
}

test.beforeAll(async () => {
  ensureAccount(admin);
  const docker = engineClient();
  await loadBusybox(docker);
  await removeContainers();
  const outsider = await docker.createContainer({ name: OUTSIDER, Image: BUSYBOX, Cmd: ["sleep", "600"] });
  await outsider.start();
});

test.afterAll(removeContainers);

/** RFC 4180 records: fields may be quoted, with "" for a quote and commas or line breaks inside. */
function csvRecords(text: string): string[][] {
  const records: string[][] = [];
  let field = "";
  let record: string[] = [];
  let quoted = false;
  const endField = () => {
    record.push(field);
    field = "";
  };
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted && c === '"' && text[i + 1] === '"') {
      field += '"';
      i++;
    } else if (c === '"') {
      quoted = !quoted;
    } else if (!quoted && c === ",") {
      endField();
    } else if (!quoted && c === "\r" && text[i + 1] === "\n") {
      endField();
      records.push(record);
      record = [];
      i++;
    } else {
      field += c;
    }
  }
  if (field || record.length) records.push([...record, field]);
  return records;
}

/** A tRPC mutation sent from the page's session, as the console's own pages send it (same Origin). */
async function mutate(page: Page, path: string, input: unknown) {
  return page.request.post(`${consoleUrl()}/api/trpc/${path}`, { data: { json: input }, headers: { origin: consoleUrl() } });
}

test("an admin creates a team and two users, a viewer and an operator in it", async ({ page }, testInfo) => {
  await signIn(page, admin);
  for (const user of [teamViewer, teamOperator]) {
    const created = await mutate(page, "users.create", { username: user.username, password: user.password, role: user.role });
    expect(created.status(), await created.text()).toBe(200);
  }

  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Teams" }).click();
  await expect(page.getByRole("heading", { name: "Teams", exact: true })).toBeVisible();
  await page.getByLabel("Team name").fill(TEAM);
  await page.getByRole("button", { name: "Create team" }).click();
  const card = page.getByRole("region", { name: `Team ${TEAM}` });
  await expect(card).toBeVisible();

  for (const [user, role] of [[teamViewer, "viewer"], [teamOperator, "operator"]] as const) {
    const form = card.getByRole("form", { name: `Add a member to ${TEAM}` });
    await form.getByLabel("Username").fill(user.username);
    await form.getByLabel("Role in team").selectOption(role);
    await form.getByRole("button", { name: "Add member" }).click();
    await expect(card.getByLabel(`Role of ${user.username}`)).toHaveValue(role);
  }
  // The page also says what each role may do, from the matrix the server enforces.
  const matrix = page.getByRole("table", { name: "What each role may do" });
  await expect(matrix.getByRole("row").filter({ hasText: "container.stop" })).toContainText("✓");
  await page.screenshot({ path: testInfo.outputPath("teams.png"), fullPage: true });

  expect(auditRows("action = 'team.create' AND outcome = 'ok' AND targetName = ?", TEAM)).toHaveLength(1);
  expect(auditRows("action = 'team.member.set' AND outcome = 'ok' AND team = ?", TEAM).map((r) => r.targetName).sort()).toEqual(["omar", "tova"]);
});

test("the operator runs a container for the team from the run form", async ({ page }) => {
  await signIn(page, teamOperator);
  await page.goto(`${consoleUrl()}/containers/new`);
  await page.getByLabel("Image").fill(BUSYBOX);
  await page.getByLabel("Name").fill(NAME);
  await page.getByLabel("Command").fill(`sh -c 'trap "exit 0" TERM; while true; do echo up; sleep 1; done'`);
  await expect(page.getByLabel("Team")).toHaveValue(TEAM); // their only team, chosen for them
  await page.getByRole("button", { name: "Run container" }).click();

  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  await expect(page.getByRole("heading", { name: NAME }).getByText("running")).toBeVisible();
  await expect(page.getByLabel("Team")).toHaveText(`team ${TEAM}`);
  const labels = (await engineClient().getContainer(NAME).inspect()).Config.Labels;
  expect(labels).toMatchObject({ "hako.team": TEAM });

  // Their role in the team (operator) opens a terminal, which their global role (viewer) would not.
  await page.goto(`${page.url().split("?")[0]}?tab=terminal`);
  await expect(page.getByText("Connected")).toBeVisible();
  const terminal = page.getByLabel(`Terminal in ${NAME}`);
  await terminal.click();
  await page.keyboard.type("echo team-$((6*7))\n");
  await expect(terminal.locator(".xterm-rows")).toContainText("team-42");
  await page.keyboard.type("exit 0\n");
  await expect(page.getByText("Session ended with exit code 0.")).toBeVisible();
  const execs = auditRows("action = 'container.exec' AND actorName = ? AND team = ?", teamOperator.username, TEAM);
  // The session's start and its end (with the exit code), audited with the team.
  expect(execs.every((row) => row.outcome === "ok")).toBe(true);
  expect(execs.at(-1)?.message).toContain("exit code 0");
  expect(execs.at(-2)?.params).toContain('"command":["sh"]');
});

test("the viewer sees the team's container but no terminal or stop; a forged stop is refused and audited", async ({ page }, testInfo) => {
  await signIn(page, teamViewer);
  await page.goto(`${consoleUrl()}/containers`);
  const table = page.getByRole("table", { name: "Containers" });
  await expect(table.getByRole("row").filter({ hasText: NAME })).toContainText(TEAM);
  await expect(table.getByRole("row").filter({ hasText: OUTSIDER })).toHaveCount(0);

  await table.getByRole("link", { name: NAME }).click();
  await expect(page.getByRole("heading", { name: NAME })).toBeVisible();
  await expect(page.getByRole("tablist", { name: "Container" }).getByRole("tab", { name: "Terminal" })).toHaveCount(0);
  const stop = page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Stop" });
  await expect(stop).toBeDisabled();
  await expect(stop).toHaveAttribute("title", `Permission container.stop requires operator in team ${TEAM}; you are viewer there.`);
  await page.screenshot({ path: testInfo.outputPath("team-viewer.png"), fullPage: true });

  // Their live log is theirs to read (the subscription checks the container's team before it streams).
  await page.getByRole("tablist", { name: "Container" }).getByRole("tab", { name: "Logs" }).click();
  await expect(page.getByRole("log")).toContainText("up");

  // No role of theirs anywhere may stop a container: refused before the container is even looked up.
  const forged = await mutate(page, "containers.stop", { id: NAME });
  expect(forged.status()).toBe(403);
  expect((await forged.json()).error.json.data.code).toBe("FORBIDDEN");
  expect(auditRows("action = 'container.stop' AND outcome = 'denied' AND actorName = ? AND targetName = ?", teamViewer.username, NAME)).toHaveLength(1);
  expect((await engineClient().getContainer(NAME).inspect()).State.Running).toBe(true);

  // Outside the team there is nothing to see, even by asking for it directly.
  const outside = await page.request.get(`${consoleUrl()}/api/trpc/containers.inspect?input=${encodeURIComponent(JSON.stringify({ json: { id: OUTSIDER } }))}`);
  expect(outside.status()).toBe(403);
});

test("the operator stops the team's container", async ({ page }) => {
  await signIn(page, teamOperator);
  await page.goto(`${consoleUrl()}/containers`);
  await page.getByRole("table", { name: "Containers" }).getByRole("link", { name: NAME }).click();
  await page.getByRole("group", { name: "Container actions" }).getByRole("button", { name: "Stop" }).click();
  const dialog = page.getByRole("dialog", { name: `Stop container ${NAME}?` });
  await dialog.getByRole("button", { name: "Stop" }).click();
  await expect(page.getByRole("status").filter({ hasText: `Stopped ${NAME}` })).toHaveText(`Stopped ${NAME}: exited with code 0.`);
  expect(auditRows("action = 'container.stop' AND outcome = 'ok' AND actorName = ? AND team = ?", teamOperator.username, TEAM)).toHaveLength(1);
});

test("the admin filters the audit log to the container and downloads its rows as CSV", async ({ page }, testInfo) => {
  await signIn(page, admin);
  await page.goto(`${consoleUrl()}/audit`);
  await page.getByLabel("Target").fill(NAME);
  await page.getByRole("button", { name: "Apply" }).click();
  await expect(page).toHaveURL(new RegExp(`target=${NAME}`));
  const table = page.getByRole("table", { name: "Audit events" });
  // Until the filtered page arrives the previous (unfiltered) rows stay on screen, dimmed and marked busy.
  await expect(table).not.toHaveAttribute("aria-busy", "true");
  await expect(table.getByRole("row").filter({ hasText: "auth.signin" })).toHaveCount(0); // the filter has applied
  await expect(table.getByRole("row").filter({ hasText: "container.create" }).filter({ hasText: teamOperator.username })).toBeVisible();
  await expect(table.getByRole("row").filter({ hasText: "denied" })).toContainText(teamViewer.username);
  await page.screenshot({ path: testInfo.outputPath("team-audit.png"), fullPage: true });

  const [download] = await Promise.all([page.waitForEvent("download"), page.getByRole("link", { name: "Export CSV" }).click()]);
  const [header = [], ...rows] = csvRecords(await readFile((await download.path())!, "utf8"));
  const at = (name: string) => header.indexOf(name);
  const summary = rows.map((r) => [r[at("action")], r[at("outcome")], r[at("actorName")], r[at("targetName")]]);
  expect(summary).toEqual(expect.arrayContaining([
    ["container.create", "ok", teamOperator.username, NAME],
    ["container.stop", "denied", teamViewer.username, NAME],
    ["container.stop", "ok", teamOperator.username, NAME],
  ]));
  const byOperator = rows.filter((r) => r[at("actorName")] === teamOperator.username);
  expect(byOperator.length).toBeGreaterThan(0);
  expect(byOperator.every((r) => r[at("team")] === TEAM)).toBe(true);
  expect(rows.every((r) => r[at("targetName")] === NAME)).toBe(true);
});
