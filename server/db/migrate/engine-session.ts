/**
 * One use of the schema engine against one database: start it, run the work, then free the engine and close every
 * connection it opened. Closing matters on SQLite: the engine holds its connection in EXCLUSIVE locking mode while
 * migrating, and a connection left open would lock the console's own client out of the file.
 */
import { readFile } from "node:fs/promises";
import type { SqlDriverAdapter, SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine, SchemaFilter } from "@prisma/schema-engine-wasm";
import { adapterFactoryFor } from "../adapters";
import type { DatabaseTarget } from "../database-url";
import { startSchemaEngine } from "./schema-engine";

/** We keep no tables or enums outside Prisma's management. */
export const NO_FILTERS: SchemaFilter = { externalTables: [], externalEnums: [] };

export async function withSchemaEngine<T>(
  target: DatabaseTarget,
  schemaPath: string,
  work: (engine: SchemaEngine) => Promise<T>,
  log?: (line: string) => void,
): Promise<T> {
  const factory = new ClosingFactory(adapterFactoryFor(target));
  try {
    const content = await readFile(schemaPath, "utf8");
    const engine = await startSchemaEngine({ schema: { path: schemaPath, content }, adapterFactory: factory, log });
    try {
      return await work(engine);
    } finally {
      engine.free();
    }
  } finally {
    await factory.closeAll();
  }
}

/** Remembers each connection it hands out so that `closeAll` can dispose those the engine did not. */
class ClosingFactory implements SqlMigrationAwareDriverAdapterFactory {
  readonly provider: SqlMigrationAwareDriverAdapterFactory["provider"];
  readonly adapterName: string;
  readonly #open = new Set<SqlDriverAdapter>();

  constructor(private readonly inner: SqlMigrationAwareDriverAdapterFactory) {
    this.provider = inner.provider;
    this.adapterName = inner.adapterName;
  }

  connect(): Promise<SqlDriverAdapter> {
    return this.inner.connect().then((adapter) => this.#track(adapter));
  }

  connectToShadowDb(): Promise<SqlDriverAdapter> {
    return this.inner.connectToShadowDb().then((adapter) => this.#track(adapter));
  }

  async closeAll(): Promise<void> {
    await Promise.allSettled([...this.#open].map((adapter) => adapter.dispose()));
  }

  #track(adapter: SqlDriverAdapter): SqlDriverAdapter {
    this.#open.add(adapter);
    const dispose = adapter.dispose.bind(adapter);
    adapter.dispose = () => (this.#open.delete(adapter) ? dispose() : Promise.resolve());
    return adapter;
  }
}
