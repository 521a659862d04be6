import { describe } from "vitest";
import { scratchSqlite } from "../db/test-databases";
import { auditChainSuite } from "./chain.suite";

describe("audit hash chain on SQLite (a real file per test)", () => {
  auditChainSuite(scratchSqlite);
});
