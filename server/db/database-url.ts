/**
 * DATABASE_URL chooses the database:
 *
 *   file:PATH                        SQLite, the embedded default. PATH is absolute, or relative to the working
 *                                    directory; `file:///abs/path` works too. Default: file:<console data dir>/hako.db
 *   postgresql://USER:PASS@HOST:PORT/DB   (or postgres://…) PostgreSQL; libpq-style parameters such as sslmode=
 *                                    and host=/socket/dir are understood.
 *
 * Anything else is refused here, before any connection is tried, with a message that names the accepted forms.
 */
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { ClientConfig } from "pg";
import { parseIntoClientConfig } from "pg-connection-string";
import { consoleDataDir } from "./data-dir";
import { DatabaseError } from "./errors";

export type Provider = "sqlite" | "postgresql";

export type DatabaseTarget =
  | { provider: "sqlite"; url: string; file: string }
  /** `connection` holds discrete fields (host, port, user, …), never a connection string: see adapters/postgresql. */
  | { provider: "postgresql"; url: string; connection: ClientConfig & { database: string } };

export function resolveDatabaseUrl(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const url = env.DATABASE_URL?.trim();
  return url ? url : `file:${path.join(consoleDataDir(env), "hako.db")}`;
}

export function parseDatabaseUrl(url: string): DatabaseTarget {
  if (url.startsWith("file:")) return { provider: "sqlite", url, file: sqliteFile(url) };
  if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
    return { provider: "postgresql", url, connection: postgresConnection(url) };
  }
  throw invalid(url, "unsupported scheme");
}

function sqliteFile(url: string): string {
  const withoutQuery = url.replace(/\?.*$/, "");
  const file = withoutQuery.startsWith("file://") ? fileURLToPath(withoutQuery) : withoutQuery.slice("file:".length);
  if (!file) throw invalid(url, "no file path");
  return path.resolve(file);
}

function postgresConnection(url: string): ClientConfig & { database: string } {
  let config: ReturnType<typeof parseIntoClientConfig>;
  try {
    config = parseIntoClientConfig(url);
  } catch (error) {
    throw invalid(url, (error as Error).message);
  }
  if (!config.database) throw invalid(url, "no database name");
  // Prisma's ?schema= would need the client and the migration engine to agree on a search_path; not supported yet.
  const schema = (config as Record<string, unknown>).schema;
  if (schema !== undefined && schema !== "public") throw invalid(url, "?schema= is not supported; use the database's public schema");
  return { ...config, database: config.database };
}

function invalid(url: string, reason: string): DatabaseError {
  // Never echo a password into logs.
  const shown = url.replace(/\/\/([^:/@]*):[^@]*@/, "//$1:***@");
  return new DatabaseError(
    "InvalidUrl",
    `DATABASE_URL ${JSON.stringify(shown)} is not usable (${reason}): expected file:PATH for SQLite ` +
      "or postgresql://USER:PASSWORD@HOST:PORT/DATABASE for PostgreSQL",
  );
}
