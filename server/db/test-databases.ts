/**
 * Throw-away databases for the tests, real ones: a SQLite file in a temp directory, or a fresh PostgreSQL database on
 * the server named by HAKO_TEST_POSTGRES_URL (its role needs CREATEDB; scripts/ensure-postgres.sh sets one up).
 */
import { randomUUID } from "node:crypto";
import { mkdtemp, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import pg from "pg";
import { adapterFactoryFor } from "./adapters";
import { parseDatabaseUrl } from "./database-url";

export interface ScratchDatabase {
  url: string;
  drop(): Promise<void>;
}

export async function scratchSqlite(): Promise<ScratchDatabase> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "hako-db-test-"));
  return { url: `file:${path.join(dir, "hako.db")}`, drop: () => rm(dir, { recursive: true, force: true }) };
}

export async function scratchPostgres(serverUrl: string): Promise<ScratchDatabase> {
  const target = parseDatabaseUrl(serverUrl);
  if (target.provider !== "postgresql") throw new Error(`not a PostgreSQL URL: ${serverUrl}`);
  const name = `hako_test_${randomUUID().replaceAll("-", "").slice(0, 16)}`;
  const admin = async (sql: string) => {
    const client = new pg.Client(target.connection);
    await client.connect();
    try { await client.query(sql); } finally { await client.end(); }
  };
  await admin(`CREATE DATABASE "${name}"`);
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return { url: url.toString(), drop: () => dropWithRetry(() => admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`)) };
}

/**
 * FORCE terminates the test's own leftover connections, but not a server process of another role, such as an
 * autovacuum worker that just entered the fresh database (42501 "must be a member of the role whose process is being
 * terminated"): that one ends by itself, so the drop is tried again.
 */
async function dropWithRetry(drop: () => Promise<void>): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await drop();
    } catch (err) {
      if ((err as { code?: string }).code !== "42501" || attempt >= 20) throw err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
}

/** Runs SQL outside Prisma's client (to inspect `_prisma_migrations`, or to tamper with a database on purpose). */
export async function rawQuery(url: string, sql: string): Promise<Record<string, unknown>[]> {
  const adapter = await adapterFactoryFor(parseDatabaseUrl(url)).connect();
  try {
    const result = await adapter.queryRaw({ sql, args: [], argTypes: [] });
    return result.rows.map((row) => Object.fromEntries(result.columnNames.map((column, i) => [column, row[i]])));
  } finally {
    await adapter.dispose();
  }
}

export async function rawScript(url: string, sql: string): Promise<void> {
  const adapter = await adapterFactoryFor(parseDatabaseUrl(url)).connect();
  try {
    await adapter.executeScript(sql);
  } finally {
    await adapter.dispose();
  }
}
