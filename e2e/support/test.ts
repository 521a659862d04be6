/**
 * Playwright's `test` with one change: `page.goto` tries once more when Chromium aborted the navigation with
 * ERR_NETWORK_CHANGED. Chromium throws away its in-flight requests whenever an address on the host changes, and the
 * engine under test runs on the same host as the browser: creating a bridge gives it an address. A user's browser
 * on another machine never sees that; any other navigation error still fails the test.
 */
import { expect, test as base } from "@playwright/test";

export const test = base.extend({
  page: async ({ page }, use) => {
    const goto = page.goto.bind(page);
    page.goto = async (url, options) => {
      try {
        return await goto(url, options);
      } catch (err) {
        if (!String((err as Error).message).includes("net::ERR_NETWORK_CHANGED")) throw err;
        return goto(url, options);
      }
    };
    await use(page);
  },
});

export { expect };
export type { Page } from "@playwright/test";
