/**
 * Playwright's `test` with one change: `page.goto` tries again (up to {@link GOTO_ATTEMPTS} times, a moment apart)
 * when Chromium aborted the navigation with ERR_NETWORK_CHANGED. Chromium throws away its in-flight requests whenever
 * an address on the host changes, and the engine under test runs on the same host as the browser: creating a bridge
 * gives it an address (the default bridge when its first container starts, or at `network create`), and the kernel
 * may announce it a little after the engine has answered. A user's browser on another machine never sees that; any
 * other navigation error still fails the test at once.
 */
import { setTimeout as sleep } from "node:timers/promises";
import { expect, test as base, type Page, type Request } from "@playwright/test";

const GOTO_ATTEMPTS = 3;
const GOTO_RETRY_DELAY_MS = 250;

/** Chromium's error for a request it dropped because the host's addresses changed. */
export function isNetworkChanged(err: unknown): boolean {
  return String((err as Error | undefined)?.message ?? err).includes("net::ERR_NETWORK_CHANGED");
}

export const test = base.extend({
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      for (let attempt = 1; ; attempt++) {
        try {
          return await goto(url, options);
        } catch (err) {
          if (attempt >= GOTO_ATTEMPTS || !isNetworkChanged(err)) throw err;
          await sleep(GOTO_RETRY_DELAY_MS);
        }
      }
    };
    await use(page);
  },
});

export { expect };
export type { Page } from "@playwright/test";

/**
 * Runs `attempt`, and runs it again (up to `attempts` times in all) only when it failed AND Chromium dropped one of
 * the page's requests with ERR_NETWORK_CHANGED meanwhile (see above): a query or a POST lost that way is not retried
 * by the page. Any other failure is thrown at once.
 */
export async function retryOnNetworkChange<T>(page: Page, attempt: () => Promise<T>, attempts = 3): Promise<T> {
  for (let n = 1; ; n++) {
    let networkChanged = false;
    const onFailed = (request: Request): void => {
      if (request.failure()?.errorText.includes("ERR_NETWORK_CHANGED")) networkChanged = true;
    };
    page.on("requestfailed", onFailed);
    try {
      return await attempt();
    } catch (err) {
      if (n >= attempts || !networkChanged) throw err;
    } finally {
      page.off("requestfailed", onFailed);
    }
  }
}

