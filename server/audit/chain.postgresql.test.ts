import { describe, it } from "vitest";
import { scratchPostgres } from "../db/test-databases";
import { auditChainSuite } from "./chain.suite";

// Like server/db/postgresql.test.ts: a real server is required, unless HAKO_SKIP_POSTGRES=1 says to skip on purpose.
const serverUrl = process.env.HAKO_TEST_POSTGRES_URL;
const skip = Boolean(process.env.HAKO_SKIP_POSTGRES) && process.env.HAKO_SKIP_POSTGRES !== "0";

describe("audit hash chain on PostgreSQL (a fresh database per test on HAKO_TEST_POSTGRES_URL's server)", () => {
  if (serverUrl) {
    auditChainSuite(() => scratchPostgres(serverUrl));
  } else if (skip) {
    it.skip("skipped: HAKO_SKIP_POSTGRES=1 is set");
  } else {
    it("needs a PostgreSQL server", () => {
      throw new Error("HAKO_TEST_POSTGRES_URL is not set: export HAKO_TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)");
    });
  }
});
