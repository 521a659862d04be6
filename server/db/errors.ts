/**
 * The ways the database layer refuses, as a small set of kinds that callers branch on (never on the message).
 *
 * - InvalidUrl       DATABASE_URL is neither `file:PATH` nor `postgresql://…` / `postgres://…`, or is malformed.
 * - MigrationDrift   the database's migration history does not match the migrations folder: a migration was edited
 *                    after it was applied, the database has migrations this code does not know (it is newer than the
 *                    code), or, in the create flow, the schema was changed by hand. Nothing is applied.
 * - MigrationFailed  a migration failed, now or on an earlier start (a failed row in `_prisma_migrations`); the database
 *                    needs a person: fix it, then mark the migration rolled back or applied.
 * - DataLoss         the create flow would drop data or cannot run on the existing rows; nothing was written.
 */
export type DatabaseErrorKind = "InvalidUrl" | "MigrationDrift" | "MigrationFailed" | "DataLoss";

export class DatabaseError extends Error {
  override readonly name = "DatabaseError";

  constructor(
    readonly kind: DatabaseErrorKind,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** Prisma's P2002: a create or update hit a unique constraint (e.g. a username that is taken), on either provider. */
export function isUniqueViolation(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === "P2002";
}
