import { defineConfig } from "@playwright/test";

/**
 * End-to-end tests: Debian's chromium against a real console and a real hakod, both started by e2e/global-setup.ts
 * (`bin/hako up` on a temporary data root, socket, database and a free port). Never `npx playwright install`: no
 * browser download happens here.
 */
export default defineConfig({
  testDir: "e2e",
  testMatch: "*.spec.ts",
  globalSetup: "./e2e/global-setup.ts",
  outputDir: "test-results",
  // One console, one engine, one database: the tests share them and run in order.
  workers: 1,
  fullyParallel: false,
  retries: 0,
  timeout: 90_000,
  expect: { timeout: 15_000 },
  reporter: [["list"]],
  use: {
    screenshot: "on",
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: process.env.HAKO_CHROMIUM ?? "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-quic",
        "--no-first-run",
      ],
    },
  },
  projects: [
    // First-run setup only exists while the database has no user, so it runs before every spec that creates one.
    { name: "first-run", testMatch: "console.spec.ts", use: { browserName: "chromium" } },
    { name: "chromium", testIgnore: "console.spec.ts", dependencies: ["first-run"], use: { browserName: "chromium" } },
  ],
});
