/**
 * A real SQLite database in a fresh temporary directory, migrated like production's, for tests that need one. The
 * database layer keeps one client per process, so a test file opens one of these and shares it.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { closeDatabase, openDatabase, type Db } from "../db";

export interface TempDatabase {
  db: Db;
  /** its DATABASE_URL, for code under test that opens the process's database by itself */
  url: string;
  close(): Promise<void>;
}

export async function openTempDatabase(): Promise<TempDatabase> {
  const dir = mkdtempSync(join(tmpdir(), "hako-console-test-"));
  const url = `file:${join(dir, "hako.db")}`;
  const db = await openDatabase(url);
  return {
    db,
    url,
    close: async () => {
      await closeDatabase();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
