/**
 * `migrateDeploy`: what `prisma migrate deploy` does, offline. Applies the migrations of the folder that the database
 * has not seen, in order, each recorded in `_prisma_migrations` with the CLI's checksum. Runs at every console start,
 * so it must be a no-op on an up-to-date database and must refuse, changing nothing, when the history is not one it
 * can safely extend:
 *
 *   a failed migration (now or on an earlier start)      → MigrationFailed
 *   a migration edited after it was applied              → MigrationDrift
 *   migrations in the database that the folder lacks     → MigrationDrift (the database is newer than this code)
 */
import type { DiagnoseMigrationHistoryOutput } from "@prisma/schema-engine-wasm";
import { parseDatabaseUrl } from "../database-url";
import { DatabaseError } from "../errors";
import { providerLayout, type ProviderLayout } from "../layout";
import { NO_FILTERS, withSchemaEngine } from "./engine-session";
import { ENGINE_CODES, engineErrorCode, engineFailure } from "./engine-errors";
import { readMigrationsFolder } from "./migrations-folder";

export interface MigrateOptions {
  /** Defaults to the provider's folders under prisma/ (see layout.ts); tests point them at copies. */
  layout?: Partial<Pick<ProviderLayout, "schemaPath" | "migrationsDir">>;
  /** Receives the engine's JSON log lines. */
  log?: (line: string) => void;
}

export interface DeployResult {
  /** Folder names of the migrations applied by this call, in order; empty when the database was up to date. */
  applied: string[];
}

export async function migrateDeploy(url: string, options: MigrateOptions = {}): Promise<DeployResult> {
  const target = parseDatabaseUrl(url);
  const layout = { ...providerLayout(target.provider), ...options.layout };
  return withSchemaEngine(
    target,
    layout.schemaPath,
    async (engine) => {
      const migrationsList = await readMigrationsFolder(layout.migrationsDir);
      const diagnosis = await engine
        .diagnoseMigrationHistory({ migrationsList, optInToShadowDatabase: false, filters: NO_FILTERS })
        .catch((error: unknown) => {
          if (engineErrorCode(error) === ENGINE_CODES.noMigrationsTable) return null; // a fresh database: nothing to diagnose
          throw engineFailure(error);
        });
      if (diagnosis) refuseUnsafeHistory(diagnosis, layout.migrationsDir);
      const { appliedMigrationNames } = await engine
        .applyMigrations({ migrationsList, filters: NO_FILTERS })
        .catch((error: unknown) => { throw engineFailure(error); });
      return { applied: appliedMigrationNames };
    },
    options.log,
  );
}

function refuseUnsafeHistory(diagnosis: DiagnoseMigrationHistoryOutput, migrationsDir: string): void {
  const { failedMigrationNames, editedMigrationNames, history } = diagnosis;
  if (failedMigrationNames.length > 0) {
    throw new DatabaseError(
      "MigrationFailed",
      `migration ${failedMigrationNames.join(", ")} failed earlier and is marked failed in _prisma_migrations; repair the ` +
        `database by hand, then mark it rolled back (or applied) before starting again`,
    );
  }
  if (editedMigrationNames.length > 0) {
    throw new DatabaseError(
      "MigrationDrift",
      `migration ${editedMigrationNames.join(", ")} in ${migrationsDir} was edited after it was applied to this database ` +
        `(checksum differs); restore the applied version and put the change in a new migration`,
    );
  }
  if (history?.diagnostic === "migrationsDirectoryIsBehind" || history?.diagnostic === "historiesDiverge") {
    throw new DatabaseError(
      "MigrationDrift",
      `the database has migrations that ${migrationsDir} does not: ${history.unpersistedMigrationNames.join(", ")}; ` +
        `it was migrated by another version of Hako`,
    );
  }
}
