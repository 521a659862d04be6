/**
 * The behaviour every database provider must show, run against a real SQLite file (sqlite.test.ts) and a real
 * PostgreSQL server (postgresql.test.ts): migrations applied and recorded like the Prisma CLI does, refusals that
 * change nothing, the create flow end to end, and the models through the client the console uses.
 */
import { createHash } from "node:crypto";
import { appendFile, cp, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { closeDatabase, isUniqueViolation, migrateDeploy, openDatabase, Prisma, type Provider } from ".";
import { providerLayout } from "./layout";
import { createMigration } from "./migrate/create";
import { rawQuery, rawScript, type ScratchDatabase } from "./test-databases";

export function databaseSuite(provider: Provider, scratch: () => Promise<ScratchDatabase>): void {
  const layout = providerLayout(provider);
  let databases: ScratchDatabase[] = [];
  let tempDirs: string[] = [];
  let url: string;

  const another = async () => {
    const db = await scratch();
    databases.push(db);
    return db.url;
  };
  /** A private copy of this provider's schema and migrations, for tests that add or break migrations. */
  const copyLayout = async () => {
    const dir = await mkdtemp(path.join(os.tmpdir(), "hako-migrations-"));
    tempDirs.push(dir);
    const copy = { schemaPath: path.join(dir, "schema.prisma"), migrationsDir: path.join(dir, "migrations") };
    await cp(layout.schemaPath, copy.schemaPath);
    await cp(layout.migrationsDir, copy.migrationsDir, { recursive: true });
    return copy;
  };
  const addMigration = async (migrationsDir: string, name: string, sql: string) => {
    await mkdir(path.join(migrationsDir, name));
    await writeFile(path.join(migrationsDir, name, "migration.sql"), sql);
  };
  const committed = async () => {
    const entries = await readdir(layout.migrationsDir, { withFileTypes: true });
    return entries.filter((e) => e.isDirectory()).map((e) => e.name).sort();
  };
  const refusal = (kind: string, text: string) => ({ kind, message: expect.stringContaining(text) });
  const appliedRows = (dbUrl: string) =>
    rawQuery(dbUrl, `SELECT migration_name, checksum, finished_at, rolled_back_at FROM _prisma_migrations ORDER BY migration_name`);

  beforeEach(async () => {
    url = await another();
  });
  afterEach(async () => {
    await closeDatabase();
    await Promise.all(databases.map((db) => db.drop()));
    await Promise.all(tempDirs.map((dir) => rm(dir, { recursive: true, force: true })));
    databases = [];
    tempDirs = [];
  });

  describe("migrateDeploy", () => {
    it("applies every committed migration to a fresh database and records each with the CLI's checksum", async () => {
      const names = await committed();
      expect(names.length).toBeGreaterThan(0);
      expect((await migrateDeploy(url)).applied).toEqual(names);

      const rows = await appliedRows(url);
      expect(rows.map((r) => r.migration_name)).toEqual(names);
      for (const row of rows) {
        const script = await readFile(path.join(layout.migrationsDir, String(row.migration_name), "migration.sql"));
        expect(row.checksum).toBe(createHash("sha256").update(script).digest("hex"));
        expect(row.finished_at).not.toBeNull();
      }
    });

    it("applies nothing the second time", async () => {
      await migrateDeploy(url);
      expect((await migrateDeploy(url)).applied).toEqual([]);
      expect(await appliedRows(url)).toHaveLength((await committed()).length);
    });

    it("refuses a migration edited after it was applied, and applies nothing after it", async () => {
      const copy = await copyLayout();
      await migrateDeploy(url, { layout: copy });
      const [first] = await committed();
      await appendFile(path.join(copy.migrationsDir, first!, "migration.sql"), "\n-- edited later\n");
      await addMigration(copy.migrationsDir, "29991231000000_pending", `CREATE TABLE "Pending" ("id" INTEGER);`);

      await expect(migrateDeploy(url, { layout: copy })).rejects.toMatchObject(refusal("MigrationDrift", first!));
      expect(await appliedRows(url)).toHaveLength((await committed()).length);
    });

    it("refuses a database that has migrations the code does not know", async () => {
      const copy = await copyLayout();
      await addMigration(copy.migrationsDir, "29991231000000_from_the_future", `CREATE TABLE "Future" ("id" INTEGER);`);
      await migrateDeploy(url, { layout: copy });

      await expect(migrateDeploy(url)).rejects.toMatchObject(refusal("MigrationDrift", "29991231000000_from_the_future"));
    });

    it("reports a failing migration, and keeps refusing on later starts until it is repaired", async () => {
      const copy = await copyLayout();
      await addMigration(copy.migrationsDir, "29991231000000_broken", `CREATE TABLE "User" ("id" INTEGER);`);

      await expect(migrateDeploy(url, { layout: copy })).rejects.toMatchObject(refusal("MigrationFailed", "29991231000000_broken"));
      await expect(migrateDeploy(url, { layout: copy })).rejects.toMatchObject(refusal("MigrationFailed", "marked failed"));
    });

    it("refuses a non-empty database that Hako did not create", async () => {
      await rawScript(url, `CREATE TABLE "Stranger" ("id" INTEGER);`);
      await expect(migrateDeploy(url)).rejects.toMatchObject({ kind: "MigrationDrift" });
      expect(await rawQuery(url, `SELECT 1 FROM "Stranger"`)).toEqual([]);
    });
  });

  describe("createMigration (the migrate dev flow)", () => {
    it("writes a migration for a new model in the standard layout, applies it, and it then deploys elsewhere", async () => {
      const copy = await copyLayout();
      await appendFile(copy.schemaPath, `\nmodel Widget {\n  id   String @id @default(cuid())\n  name String @unique\n}\n`);

      const result = await createMigration(url, "add_widget", { layout: copy });
      expect(result.created).toMatch(/^\d{14}_add_widget$/);
      expect(result.applied).toEqual([...(await committed()), result.created]);
      const script = await readFile(path.join(copy.migrationsDir, result.created!, "migration.sql"), "utf8");
      expect(script).toContain(`CREATE TABLE "Widget"`);
      expect(await readFile(path.join(copy.migrationsDir, "migration_lock.toml"), "utf8")).toContain(`provider = "${provider}"`);
      expect(await createMigration(url, "nothing_new", { layout: copy })).toEqual({ created: null, applied: [] });

      const elsewhere = await another();
      expect((await migrateDeploy(elsewhere, { layout: copy })).applied).toEqual([...(await committed()), result.created]);
      await rawScript(elsewhere, `INSERT INTO "Widget" ("id", "name") VALUES ('t1', 'ops');`);
      expect(await rawQuery(elsewhere, `SELECT "name" FROM "Widget"`)).toEqual([{ name: "ops" }]);
    });

    it("refuses to write a migration when the development database drifted from its history", async () => {
      const copy = await copyLayout();
      await migrateDeploy(url, { layout: copy });
      await rawScript(url, `CREATE TABLE "HandMade" ("id" INTEGER);`);
      await appendFile(copy.schemaPath, `\nmodel Widget {\n  id String @id\n}\n`);

      await expect(createMigration(url, "add_widget", { layout: copy })).rejects.toMatchObject({ kind: "MigrationDrift" });
      expect((await readdir(copy.migrationsDir)).filter((name) => name.endsWith("_add_widget"))).toEqual([]);
    });

    it("refuses a migration that drops data unless that is accepted", async () => {
      const copy = await copyLayout();
      await migrateDeploy(url, { layout: copy });
      await rawScript(url, `INSERT INTO "AuditEvent" ("actorName", "action", "outcome", "requestId") VALUES ('a', 'b', 'ok', 'r1');`);
      const schema = await readFile(copy.schemaPath, "utf8");
      await writeFile(copy.schemaPath, schema.replace(/\n\s+requestId\s+String\?\n/, "\n"));

      await expect(createMigration(url, "drop_request_id", { layout: copy })).rejects.toMatchObject({ kind: "DataLoss" });
      const accepted = await createMigration(url, "drop_request_id", { layout: copy, acceptDataLoss: true });
      expect(accepted.created).toMatch(/_drop_request_id$/);
    });
  });

  describe("openDatabase", () => {
    it("migrates, then hands every caller the same client", async () => {
      const db = await openDatabase(url);
      expect(await openDatabase(url)).toBe(db);
      expect(await appliedRows(url)).toHaveLength((await committed()).length);
      await expect(openDatabase(await another())).rejects.toThrow(/already open/);
    });

    it("stores, reads, updates and deletes users", async () => {
      const db = await openDatabase(url);
      const created = await db.user.create({ data: { username: "ada", passwordHash: "$argon2id$x" } });
      expect(created).toMatchObject({ username: "ada", role: "viewer", disabled: false });
      expect(created.createdAt).toBeInstanceOf(Date);

      const updated = await db.user.update({ where: { username: "ada" }, data: { role: "admin", disabled: true } });
      expect(updated).toMatchObject({ role: "admin", disabled: true });
      expect(updated.updatedAt.getTime()).toBeGreaterThanOrEqual(created.updatedAt.getTime());

      await db.user.delete({ where: { id: created.id } });
      expect(await db.user.findUnique({ where: { username: "ada" } })).toBeNull();
    });

    it("keeps sessions with their user and deletes them with it", async () => {
      const db = await openDatabase(url);
      const user = await db.user.create({ data: { username: "bob", passwordHash: "h" } });
      const expiresAt = new Date("2026-12-01T00:00:00.000Z");
      await db.session.create({ data: { tokenHash: "sha256-1", userId: user.id, expiresAt, sourceIp: "127.0.0.1" } });

      const found = await db.session.findUnique({ where: { tokenHash: "sha256-1" }, include: { user: true } });
      expect(found).toMatchObject({ expiresAt, sourceIp: "127.0.0.1", user: { username: "bob" } });
      await expect(db.session.create({ data: { tokenHash: "sha256-2", userId: "no-such-user", expiresAt } })).rejects.toThrow();

      await db.user.delete({ where: { id: user.id } });
      expect(await db.session.count()).toBe(0);
    });

    it("appends audit events in order", async () => {
      const db = await openDatabase(url);
      const first = await db.auditEvent.create({ data: { actorName: "ada", action: "user.create", outcome: "ok", targetName: "bob" } });
      const second = await db.auditEvent.create({ data: { actorName: "eve", action: "user.delete", outcome: "denied", sourceIp: "10.0.0.9" } });
      expect(second.seq).toBeGreaterThan(first.seq);
      expect(second.time).toBeInstanceOf(Date);

      const denied = await db.auditEvent.findMany({ where: { outcome: "denied" }, orderBy: { seq: "asc" } });
      expect(denied.map((e) => [e.actorName, e.action, e.sourceIp])).toEqual([["eve", "user.delete", "10.0.0.9"]]);
    });

    it("refuses a taken username with a unique-constraint error and changes nothing", async () => {
      const db = await openDatabase(url);
      await db.user.create({ data: { username: "ada", passwordHash: "one" } });
      const error = await db.user.create({ data: { username: "ada", passwordHash: "two" } }).catch((e: unknown) => e);

      expect(error).toBeInstanceOf(Prisma.PrismaClientKnownRequestError);
      expect(isUniqueViolation(error)).toBe(true);
      expect(await db.user.findMany({ select: { passwordHash: true } })).toEqual([{ passwordHash: "one" }]);
    });
  });
}
