/**
 * SQLite through better-sqlite3, for the client and for the migration engine.
 *
 * Every connection gets the same settings: WAL (readers never wait for the writer; the console reads while it appends
 * audit rows), foreign keys enforced (Session → User cascades depend on it), and a busy timeout so a second process
 * (`hako admin create` while the console runs) waits for the lock instead of failing at once.
 *
 * The shadow database (an in-memory database where the create flow replays the migration history) needs one more
 * thing: the engine replays each migration file through `executeRaw`, which better-sqlite3 refuses for a script of more
 * than one statement. Such a call falls back to `executeScript`, which runs the script whole.
 */
import { PrismaBetterSqlite3 } from "@prisma/adapter-better-sqlite3";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory, SqlQuery } from "@prisma/driver-adapter-utils";

export const SQLITE_BUSY_TIMEOUT_MS = 10_000;

const CONNECTION_SETTINGS = `PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; PRAGMA busy_timeout = ${SQLITE_BUSY_TIMEOUT_MS};`;

export class SqliteAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "sqlite";
  readonly adapterName: string;
  readonly #inner: PrismaBetterSqlite3;

  constructor(file: string) {
    this.#inner = new PrismaBetterSqlite3({ url: file, timeout: SQLITE_BUSY_TIMEOUT_MS });
    this.adapterName = this.#inner.adapterName;
  }

  async connect(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connect();
    await adapter.executeScript(CONNECTION_SETTINGS);
    return adapter;
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const adapter = await this.#inner.connectToShadowDb(); // ":memory:", gone when the engine disposes it
    await adapter.executeScript("PRAGMA foreign_keys = ON;");
    const executeRaw = adapter.executeRaw.bind(adapter);
    adapter.executeRaw = async (query: SqlQuery) => {
      try {
        return await executeRaw(query);
      } catch (error) {
        if (query.args.length > 0 || !isMultiStatementRefusal(error)) throw error;
        await adapter.executeScript(query.sql);
        return 0;
      }
    };
    return adapter;
  }
}

function isMultiStatementRefusal(error: unknown): boolean {
  return /more than one statement/i.test(`${(error as Error)?.message} ${JSON.stringify(error)}`);
}
