import { afterEach, describe, expect, it } from "vitest";
import { closeDatabase, openDatabase } from ".";
import { SQLITE_BUSY_TIMEOUT_MS } from "./adapters/sqlite";
import { databaseSuite } from "./database.suite";
import { scratchSqlite, type ScratchDatabase } from "./test-databases";

describe("SQLite (a real file in a temp directory)", () => {
  databaseSuite("sqlite", scratchSqlite);

  describe("connection settings", () => {
    let scratch: ScratchDatabase | undefined;
    afterEach(async () => {
      await closeDatabase();
      await scratch?.drop();
    });

    it("uses WAL, enforces foreign keys and waits for a busy lock", async () => {
      scratch = await scratchSqlite();
      const db = await openDatabase(scratch.url);
      expect(await db.$queryRawUnsafe("PRAGMA journal_mode")).toEqual([{ journal_mode: "wal" }]);
      expect(await db.$queryRawUnsafe("PRAGMA foreign_keys")).toEqual([{ foreign_keys: 1n }]);
      expect(await db.$queryRawUnsafe("PRAGMA busy_timeout")).toEqual([{ timeout: BigInt(SQLITE_BUSY_TIMEOUT_MS) }]);
    });
  });
});
