/**
 * The console's database layer. Import from here only.
 *
 *   const db: Db = await openDatabase();   // DATABASE_URL (default file:<console data dir>/hako.db), migrated
 *   db.user / db.session / db.auditEvent   // models of prisma/schema.prisma
 */
export { closeDatabase, openDatabase, type Db } from "./client";
export { consoleDataDir } from "./data-dir";
export { parseDatabaseUrl, resolveDatabaseUrl, type DatabaseTarget, type Provider } from "./database-url";
export { DatabaseError, isUniqueViolation, type DatabaseErrorKind } from "./errors";
export { migrateDeploy, type DeployResult } from "./migrate/deploy";
// Prisma's error classes come from the runtime both generated clients share, so `instanceof` works on either provider.
export { Prisma, type AuditEvent, type Session, type User } from "./generated/sqlite/client";
