/**
 * Accounts for the tests, made the way an operator makes them on the host: `hako admin create` / `hako user create`
 * against the stack's database. The first spec creates the admin through the setup page; a spec run on its own gets
 * it from here instead.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { expect, type Page } from "@playwright/test";
import { retryOnNetworkChange } from "./test";

const repoRoot = fileURLToPath(new URL("../../", import.meta.url));

export interface Account {
  username: string;
  password: string;
  role: "admin" | "operator" | "viewer";
}

export const admin: Account = { username: "admin", password: "e2e-admin-password", role: "admin" };
export const viewer: Account = { username: "vera", password: "e2e-viewer-password", role: "viewer" };

export function consoleUrl(): string {
  const url = process.env.HAKO_E2E_URL;
  if (!url) throw new Error("HAKO_E2E_URL is not set; run through playwright.config.ts");
  return url;
}

function hako(args: string[], input: string): { status: number | null; output: string } {
  const env = { ...process.env, DATABASE_URL: process.env.HAKO_E2E_DATABASE_URL, HAKO_CONSOLE_DATA: process.env.HAKO_E2E_CONSOLE_DATA };
  const run = spawnSync(join(repoRoot, "bin", "hako"), args, { input, env, encoding: "utf8" });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

/** Creates the account unless it exists (the CLI answers "already exists" then). */
export function ensureAccount(account: Account): void {
  const args = account.role === "admin" ? ["admin", "create"] : ["user", "create", "--role", account.role];
  const run = hako([...args, "--username", account.username, "--password-stdin"], `${account.password}\n`);
  if (run.status !== 0 && !run.output.includes("already exists")) throw new Error(`hako ${args.join(" ")} failed:\n${run.output}`);
}

/**
 * Signs in through the sign-in page and waits for the signed-in shell. It starts over only when Chromium dropped the
 * sign-in POST or the landing page's load with ERR_NETWORK_CHANGED ({@link retryOnNetworkChange}): the engine under
 * test gives a new bridge an address on this very host, e.g. in a spec's beforeAll just before this. A wrong
 * password or any other failure fails as before.
 */
export async function signIn(page: Page, account: Account): Promise<void> {
  await retryOnNetworkChange(page, async () => {
    await page.goto(`${consoleUrl()}/signin`);
    // On a retry the first POST may have made the session after all: /signin then sends the browser on.
    if (new URL(page.url()).pathname === "/signin") {
      await page.getByLabel("Username").fill(account.username);
      await page.getByLabel("Password", { exact: true }).fill(account.password);
      await page.getByRole("button", { name: "Sign in" }).click();
    }
    await expect(page.getByLabel("Signed in user")).toContainText(account.username);
  });
}
