/**
 * `createMigration`: the `prisma migrate dev --name X` flow, offline, for a developer who changed schema.prisma.
 * Against a development database (its own SQLite file, or a PostgreSQL database whose role has CREATEDB):
 *
 *   1. applyMigrations  bring the dev database up to the folder (this also creates `_prisma_migrations`, without
 *                       which the next step fails on a fresh database).
 *   2. devDiagnostic    replays the folder into a shadow database and compares; a "reset" answer means the dev
 *                       database drifted from its history (edited by hand, a failed or edited migration): stop, and
 *                       say why, rather than reset it as the CLI would after a prompt.
 *   3. evaluateDataLoss refuse steps that would drop data or cannot run on existing rows (unless accepted).
 *   4. createMigration  the SQL from "history replayed" to "schema.prisma"; written as <timestamp>_<name>/migration.sql
 *                       plus migration_lock.toml, byte for byte as the CLI writes them.
 *   5. applyMigrations  apply the new migration to the dev database.
 *
 * The schema must be the provider's own file (prisma/schema.prisma or prisma/postgresql/schema.prisma): copy a model
 * change to both, then run this once per provider.
 */
import { readFile } from "node:fs/promises";
import { parseDatabaseUrl } from "../database-url";
import { DatabaseError } from "../errors";
import { providerLayout } from "../layout";
import type { MigrateOptions } from "./deploy";
import { NO_FILTERS, withSchemaEngine } from "./engine-session";
import { engineFailure } from "./engine-errors";
import { readMigrationsFolder, writeMigration } from "./migrations-folder";

export interface CreateMigrationOptions extends MigrateOptions {
  /** Write the migration even though it drops data (the CLI asks; we need it said up front). */
  acceptDataLoss?: boolean;
}

export interface CreateMigrationResult {
  /** Folder name of the new migration, or null when schema.prisma already matches the history. */
  created: string | null;
  /** Migrations applied to the dev database by this call (pending ones first, then the new one). */
  applied: string[];
}

export async function createMigration(url: string, name: string, options: CreateMigrationOptions = {}): Promise<CreateMigrationResult> {
  if (!/^[A-Za-z0-9_-]+$/.test(name)) throw new Error(`migration name ${JSON.stringify(name)}: use letters, digits, _ and -`);
  const target = parseDatabaseUrl(url);
  const layout = { ...providerLayout(target.provider), ...options.layout };
  const engineStep = <T>(step: Promise<T>) => step.catch((error: unknown) => { throw engineFailure(error); });

  return withSchemaEngine(
    target,
    layout.schemaPath,
    async (engine) => {
      const schema = { files: [{ path: layout.schemaPath, content: await readFile(layout.schemaPath, "utf8") }] };
      let migrationsList = await readMigrationsFolder(layout.migrationsDir);

      const { appliedMigrationNames: pending } = await engineStep(engine.applyMigrations({ migrationsList, filters: NO_FILTERS }));
      const { action } = await engineStep(engine.devDiagnostic({ migrationsList, filters: NO_FILTERS }));
      if (action.tag === "reset") {
        throw new DatabaseError("MigrationDrift", `the development database does not match ${layout.migrationsDir}: ${action.reason.trim()}`);
      }

      const loss = await engineStep(engine.evaluateDataLoss({ migrationsList, schema, filters: NO_FILTERS }));
      const problems = [...loss.unexecutableSteps, ...(options.acceptDataLoss ? [] : loss.warnings)];
      if (problems.length > 0) {
        throw new DatabaseError("DataLoss", `migration ${name} not written:\n${problems.map((p) => `  - ${p.message}`).join("\n")}`);
      }

      const out = await engineStep(
        engine.createMigration({ draft: false, migrationName: name, migrationsList, schema, filters: NO_FILTERS }),
      );
      if (out.migrationScript === null) return { created: null, applied: pending };
      await writeMigration(layout.migrationsDir, out.generatedMigrationName, out.migrationScript, out.connectorType);

      migrationsList = await readMigrationsFolder(layout.migrationsDir);
      const { appliedMigrationNames } = await engineStep(engine.applyMigrations({ migrationsList, filters: NO_FILTERS }));
      return { created: out.generatedMigrationName, applied: [...pending, ...appliedMigrationNames] };
    },
    options.log,
  );
}
