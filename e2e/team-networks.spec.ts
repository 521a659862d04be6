/**
 * A team member on the Networks page and the dashboard: the create form asks which of their teams the network
 * belongs to (chosen for them when they have one) and the network carries its `hako.team` label; the dashboard's
 * recent events show their team's container, not a container outside their teams.
 */
import { expect, test, type Page } from "./support/test";
import { auditRows } from "./support/audit";
import { BUSYBOX, engineClient, loadBusybox } from "./support/engine";
import { admin, consoleUrl, ensureAccount, signIn, type Account } from "./support/users";

test.describe.configure({ mode: "serial" });

const TEAM = "e2e-netteam";
const NETWORK = "e2e-team-net";
const INSIDE = "e2e-netteam-app";
const OUTSIDER = "e2e-netteam-outsider"; // created on the engine's socket: no team label
const LAST = "e2e-netteam-last"; // the team's, run after the outsider: once it shows, the outsider's events would have too
const member: Account = { username: "nora", password: "e2e-nora-password", role: "viewer" };

async function cleanUp(): Promise<void> {
  const docker = engineClient();
  for (const name of [INSIDE, OUTSIDER, LAST]) await docker.getContainer(name).remove({ force: true }).catch(() => undefined);
  await docker.getNetwork(NETWORK).remove().catch(() => undefined);
}

/** A tRPC mutation sent from the page's session, as the console's own pages send it (same Origin). */
async function mutate(page: Page, path: string, input: unknown): Promise<unknown> {
  const res = await page.request.post(`${consoleUrl()}/api/trpc/${path}`, { data: { json: input }, headers: { origin: consoleUrl() } });
  expect(res.status(), await res.text()).toBe(200);
  return ((await res.json()) as { result: { data: { json: unknown } } }).result.data.json;
}

test.beforeAll(async () => {
  ensureAccount(admin);
  ensureAccount(member);
  await loadBusybox(engineClient());
  await cleanUp();
});

test.afterAll(cleanUp);

test("an admin puts the member in a team as operator and runs a container for it; another runs outside", async ({ page }) => {
  await signIn(page, admin);
  const team = (await mutate(page, "teams.create", { name: TEAM })) as { id: string };
  await mutate(page, "teams.setMember", { teamId: team.id, username: member.username, role: "operator" });
  await mutate(page, "containers.create", { image: BUSYBOX, name: INSIDE, command: "sleep 600", team: TEAM });
  const outsider = await engineClient().createContainer({ name: OUTSIDER, Image: BUSYBOX, Cmd: ["sleep", "600"] });
  await outsider.start();
  await mutate(page, "containers.create", { image: BUSYBOX, name: LAST, command: "sleep 600", team: TEAM });
});

test("the member creates a network for their team from the Networks page", async ({ page }, testInfo) => {
  await signIn(page, member);
  await page.getByRole("navigation", { name: "Main" }).getByRole("link", { name: "Networks" }).click();
  await page.getByRole("button", { name: "New network" }).click();
  const form = page.getByRole("form", { name: "Create network" });
  await form.getByLabel("Network name").fill(NETWORK);
  await expect(form.getByLabel("Team")).toHaveValue(TEAM); // their only team, chosen for them
  await page.screenshot({ path: testInfo.outputPath("team-network-form.png"), fullPage: true });
  await form.getByRole("button", { name: "Create network" }).click();
  await expect(page.getByRole("status").filter({ hasText: "Created network" })).toHaveText(`Created network ${NETWORK}.`);
  await expect(page.getByRole("link", { name: NETWORK, exact: true })).toBeVisible();

  expect((await engineClient().getNetwork(NETWORK).inspect()).Labels).toMatchObject({ "hako.team": TEAM });
  const audited = auditRows("action = 'network.create' AND targetName = ? AND team = ?", NETWORK, TEAM);
  expect(audited.at(-1)).toMatchObject({ outcome: "ok", actorName: member.username });
});

test("the member's dashboard lists their team's events, not those of a container outside their teams", async ({ page }) => {
  await signIn(page, member);
  await page.goto(`${consoleUrl()}/`);
  const feed = page.getByRole("list", { name: "Events" });
  await expect(feed.getByText(LAST).first()).toBeVisible();
  await expect(feed.getByText(INSIDE).first()).toBeVisible();
  await expect(feed.getByText(OUTSIDER)).toHaveCount(0);
});
