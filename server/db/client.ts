/**
 * The console's database client: one per process, opened on first use, migrated before the first query.
 *
 * `Db` is one type for both providers: the client generated from prisma/schema.prisma (SQLite). The PostgreSQL client
 * is generated from identical models (prisma/schema-parity.test.ts proves it) and cast to that type; the only
 * difference the cast hides is PostgreSQL-only query options (e.g. `mode: "insensitive"`), which console code thereby
 * cannot use, keeping it portable across the two.
 */
import { mkdirSync } from "node:fs";
import path from "node:path";

import { adapterFactoryFor } from "./adapters";
import { parseDatabaseUrl, resolveDatabaseUrl } from "./database-url";
import { PrismaClient as PostgresPrismaClient } from "./generated/postgresql/client";
import { PrismaClient as SqlitePrismaClient } from "./generated/sqlite/client";
import { migrateDeploy } from "./migrate/deploy";

export type Db = SqlitePrismaClient;

interface OpenDatabase {
  url: string;
  db: Promise<Db>;
}

// Kept on globalThis so that Next.js's dev-mode module reloads reuse the client instead of opening another.
const processState = globalThis as { hakoDatabase?: OpenDatabase };

/**
 * Returns the process's client for `url` (default: DATABASE_URL, see database-url.ts), applying pending migrations
 * first. Concurrent and later calls share one client; a failed open is forgotten, so a later call retries. Refuses a
 * second, different URL while one is open (close it first).
 */
export function openDatabase(url: string = resolveDatabaseUrl()): Promise<Db> {
  const open = processState.hakoDatabase;
  if (open) {
    if (open.url === url) return open.db;
    return Promise.reject(new Error("the database is already open with another DATABASE_URL; closeDatabase() first"));
  }
  const db = connect(url);
  processState.hakoDatabase = { url, db };
  db.catch(() => {
    if (processState.hakoDatabase?.db === db) processState.hakoDatabase = undefined;
  });
  return db;
}

export async function closeDatabase(): Promise<void> {
  const open = processState.hakoDatabase;
  processState.hakoDatabase = undefined;
  const db = await open?.db.catch(() => undefined);
  await db?.$disconnect();
}

async function connect(url: string): Promise<Db> {
  const target = parseDatabaseUrl(url);
  // SQLite creates the file but not its directory; without this the wasm engine reports only "External error".
  if (target.provider === "sqlite") mkdirSync(path.dirname(target.file), { recursive: true });
  await migrateDeploy(url);
  const adapter = adapterFactoryFor(target);
  const db = target.provider === "sqlite" ? new SqlitePrismaClient({ adapter }) : (new PostgresPrismaClient({ adapter }) as unknown as Db);
  await db.$connect();
  return db;
}
