import { describe, it } from "vitest";
import { databaseSuite } from "./database.suite";
import { scratchPostgres } from "./test-databases";

// A real PostgreSQL server is required: CI always provides one. Without it these tests fail (rather than pass
// silently), unless HAKO_SKIP_POSTGRES=1 says to skip them on purpose.
const serverUrl = process.env.HAKO_TEST_POSTGRES_URL;
const skip = Boolean(process.env.HAKO_SKIP_POSTGRES) && process.env.HAKO_SKIP_POSTGRES !== "0";

describe("PostgreSQL (a fresh database per test on HAKO_TEST_POSTGRES_URL's server)", () => {
  if (serverUrl) {
    databaseSuite("postgresql", () => scratchPostgres(serverUrl));
  } else if (skip) {
    it.skip("skipped: HAKO_SKIP_POSTGRES=1 is set (unset it and set HAKO_TEST_POSTGRES_URL to run them)");
  } else {
    it("needs a PostgreSQL server", () => {
      throw new Error(
        "HAKO_TEST_POSTGRES_URL is not set: run `export HAKO_TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)` " +
          "(or set HAKO_SKIP_POSTGRES=1 to skip the PostgreSQL tests on purpose)",
      );
    });
  }
});
