/**
 * PostgreSQL through @prisma/adapter-pg, for the client and for the migration engine. Three things differ from using
 * `new PrismaPg(url)` directly, all needed by the migration engine (harmless for the client):
 *
 * 1. Catalog columns of type `"char"` (OID 18, e.g. pg_class.relkind, pg_constraint.contype) are read by the engine's
 *    introspection, and the adapter has no mapping for that type and refuses the whole result. It is a one-byte text
 *    value, so each connection reports it as `text` (OID 25) before the adapter looks at the column types.
 * 2. The connection is given as discrete fields (host, port, user, password, database). With a connection string, pg
 *    lets the string's database win over any `database` field, which would point a "shadow" pool at the main database.
 * 3. Shadow databases (where the create flow replays the migration history) are created and dropped here. The
 *    adapter's own version drops the database while its pool still holds connections, which fails and leaves it
 *    behind; here the pool is closed first and the drop is `WITH (FORCE)`. The role needs CREATEDB.
 */
import { randomUUID } from "node:crypto";
import { PrismaPg } from "@prisma/adapter-pg";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import pg from "pg";

const PG_CHAR_OID = 18;
const PG_TEXT_OID = 25;

type Connection = pg.ClientConfig & { database: string };

/** pg's own Client, except that every result reports `"char"` columns as text (see 1 above). */
class CharAsTextClient extends pg.Client {
  // pg's query() has many overloads (promise, callback, submittable); pass everything through and touch only results.
  override query(...args: unknown[]): never {
    const last = args.at(-1);
    if (typeof last === "function") {
      args[args.length - 1] = (error: Error | null, result: unknown) => last(error, error ? result : charAsText(result));
      return (super.query as (...a: unknown[]) => never)(...args);
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    return (result instanceof Promise ? result.then(charAsText) : result) as never;
  }
}

function charAsText(result: unknown): unknown {
  for (const one of Array.isArray(result) ? result : [result]) {
    for (const field of (one as pg.QueryResult | undefined)?.fields ?? []) {
      if (field.dataTypeID === PG_CHAR_OID) field.dataTypeID = PG_TEXT_OID;
    }
  }
  return result;
}

export class PostgresAdapterFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider = "postgres";
  readonly adapterName = "@prisma/adapter-pg";

  constructor(private readonly connection: Connection) {}

  connect(): Promise<SqlDriverAdapter> {
    return this.#adapterFor(this.connection.database);
  }

  async connectToShadowDb(): Promise<SqlDriverAdapter> {
    const name = `prisma_migrate_shadow_db_${randomUUID().replaceAll("-", "")}`;
    await this.#admin(`CREATE DATABASE "${name}"`);
    const adapter = await this.#adapterFor(name);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = async () => {
      await dispose(); // ends the shadow pool
      await this.#admin(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
    };
    return adapter;
  }

  #adapterFor(database: string): Promise<SqlDriverAdapter> {
    const pool = new pg.Pool({ ...this.connection, database, Client: CharAsTextClient });
    return new PrismaPg(pool, { disposeExternalPool: true }).connect();
  }

  /** CREATE/DROP DATABASE cannot run inside a transaction or on the database being dropped: one short session. */
  async #admin(sql: string): Promise<void> {
    const client = new pg.Client(this.connection);
    await client.connect();
    try {
      await client.query(sql);
    } finally {
      await client.end();
    }
  }
}
