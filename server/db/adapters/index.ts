import type { SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { DatabaseTarget } from "../database-url";
import { PostgresAdapterFactory } from "./postgresql";
import { SqliteAdapterFactory } from "./sqlite";

/** The driver adapter for a database, shared by the client and the migration engine. */
export function adapterFactoryFor(target: DatabaseTarget): SqlMigrationAwareDriverAdapterFactory {
  return target.provider === "sqlite" ? new SqliteAdapterFactory(target.file) : new PostgresAdapterFactory(target.connection);
}
