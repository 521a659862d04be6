import { defineConfig } from "vitest/config";

// Unit and integration tests live beside the code (*.test.ts). Integration tests start real engines as root, so
// timeouts are generous; timing is never asserted here (that is bench/'s job).
export default defineConfig({
  test: {
    include: ["runtime/**/*.test.ts", "server/**/*.test.ts", "prisma/**/*.test.ts", "scripts/**/*.test.ts", "app/**/*.test.ts"],
    exclude: ["node_modules/**", "e2e/**", ".next/**"],
    pool: "forks",
    testTimeout: 60_000,
    hookTimeout: 120_000,
  },
});
