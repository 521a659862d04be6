/**
 * Translates what the schema engine throws (an Error whose message ends in a Rust span trace, sometimes with a Prisma
 * error code) into DatabaseError kinds where one fits, with the trace cut off. Anything else (the database is
 * unreachable, the password is wrong) passes through with its own, already clear, message.
 */
import { DatabaseError } from "../errors";

/** Prisma error codes the engine uses that we branch on. */
export const ENGINE_CODES = {
  /** "The underlying table for model `_prisma_migrations` does not exist": a database never migrated. */
  noMigrationsTable: "P1014",
  /** "The database schema is not empty": tables exist but no migration history. */
  notEmpty: "P3005",
} as const;

export function engineErrorCode(error: unknown): string | undefined {
  return (error as { code?: string } | undefined)?.code;
}

export function engineFailure(error: unknown): Error {
  if (!(error instanceof Error)) return new Error(String(error));
  const headline = error.message.split(/\n\s+0: /)[0]!.trim();
  if (engineErrorCode(error) === ENGINE_CODES.notEmpty) {
    return new DatabaseError(
      "MigrationDrift",
      "the database is not empty but has no migration history (_prisma_migrations), so it was not created by Hako; " +
        "point DATABASE_URL at an empty database",
      { cause: error },
    );
  }
  const migration = /migration_name="([^"]+)"/.exec(error.message)?.[1];
  if (migration) {
    return new DatabaseError("MigrationFailed", `migration ${migration} failed: ${headline}`, { cause: error });
  }
  return headline === error.message ? error : Object.assign(new Error(headline, { cause: error }), { code: engineErrorCode(error) });
}
