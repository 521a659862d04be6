/**
 * The audit chain's behaviour on a real database, run against SQLite (chain.sqlite.test.ts) and PostgreSQL
 * (chain.postgresql.test.ts): appends link up, concurrent appends stay one chain, and rows changed behind the
 * application's back (plain SQL, as an intruder with database access would) are reported at their sequence number.
 */
import { afterEach, beforeEach, expect, it } from "vitest";
import { closeDatabase, openDatabase, type Db } from "../db";
import { rawScript, type ScratchDatabase } from "../db/test-databases";
import { GENESIS } from "./chain";
import { recordAudit, type AuditEntry } from "./record";
import { REDACTED } from "./redact";
import { verifyAuditChain } from "./verify";

const source = { sourceIp: "192.0.2.7", userAgent: "vitest", requestId: "req-1" };
const entry = (action: string, extra: Partial<AuditEntry> = {}): AuditEntry => ({
  actor: { id: "u1", name: "alice", role: "admin" },
  action,
  target: { kind: "container", id: "c1", name: "web" },
  outcome: "ok",
  source,
  ...extra,
});

export function auditChainSuite(scratch: () => Promise<ScratchDatabase>): void {
  let database: ScratchDatabase;
  let db: Db;

  beforeEach(async () => {
    database = await scratch();
    db = await openDatabase(database.url);
  });
  afterEach(async () => {
    await closeDatabase();
    // PostgreSQL's DROP … WITH (FORCE) can fail while an autovacuum worker (not ours to terminate) is on the fresh
    // database after the tampering updates; it leaves within moments.
    for (let attempt = 1; ; attempt++) {
      try {
        await database.drop();
        return;
      } catch (err) {
        if (attempt >= 10) throw err;
        await new Promise((resolve) => setTimeout(resolve, 300));
      }
    }
  });

  const seqs = async () => (await db.auditEvent.findMany({ orderBy: { seq: "asc" }, select: { seq: true } })).map((r) => r.seq);

  it("links every row to the one before, from the genesis hash", async () => {
    for (const action of ["container.create", "container.start", "container.stop"]) await recordAudit(db, entry(action));
    const rows = await db.auditEvent.findMany({ orderBy: { seq: "asc" } });
    expect(rows).toHaveLength(3);
    expect(rows[0]!.prevHash).toBe(GENESIS);
    expect(rows[1]!.prevHash).toBe(rows[0]!.hash);
    expect(rows[2]!.prevHash).toBe(rows[1]!.hash);
    for (const row of rows) expect(row.hash).toMatch(/^[0-9a-f]{64}$/);
    expect(await verifyAuditChain(db)).toEqual({ ok: true, checked: 3, head: { seq: rows[2]!.seq, hash: rows[2]!.hash }, firstBreak: null });
  });

  it("reports an empty log as intact", async () => {
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 0, head: null });
  });

  it("keeps one chain when many appends race", async () => {
    await Promise.all(Array.from({ length: 25 }, (_, i) => recordAudit(db, entry(`container.start`, { message: `call ${i}` }))));
    expect(await verifyAuditChain(db)).toMatchObject({ ok: true, checked: 25 });
  });

  it("stores the team and redacts secrets before hashing", async () => {
    await recordAudit(db, entry("container.create", { team: "payments", params: { Env: ["DB_PASSWORD=hunter2"], password: "p" } }));
    const row = await db.auditEvent.findFirstOrThrow();
    expect(row.team).toBe("payments");
    expect(JSON.parse(row.params!)).toEqual({ Env: [`DB_PASSWORD=${REDACTED}`], password: REDACTED });
    expect(row.params).not.toContain("hunter2");
    expect((await verifyAuditChain(db)).ok).toBe(true);
  });

  it("reports a row edited in the database at that row's sequence number", async () => {
    for (let i = 0; i < 5; i++) await recordAudit(db, entry(`container.start`));
    const [, , third] = await seqs();
    await rawScript(database.url, `UPDATE "AuditEvent" SET "action" = 'container.list' WHERE "seq" = ${third}`);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBreak: { seq: third, reason: "content" } });
  });

  it("reports a row whose hash was rewritten along with its content", async () => {
    for (let i = 0; i < 4; i++) await recordAudit(db, entry(`container.start`));
    const [, second] = await seqs();
    await rawScript(database.url, `UPDATE "AuditEvent" SET "hash" = '${"f".repeat(64)}', "outcome" = 'denied' WHERE "seq" = ${second}`);
    // the forger's hash does not match the content either; the first row that fails is the edited one
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBreak: { seq: second, reason: "content" } });
  });

  it("reports a row deleted from the middle at the row after it", async () => {
    for (let i = 0; i < 4; i++) await recordAudit(db, entry(`container.start`));
    const [, second, third] = await seqs();
    await rawScript(database.url, `DELETE FROM "AuditEvent" WHERE "seq" = ${second}`);
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBreak: { seq: third, reason: "link" } });
  });

  it("reports a forged row inserted into the chain", async () => {
    for (let i = 0; i < 2; i++) await recordAudit(db, entry(`container.start`));
    const [, second] = await seqs();
    await rawScript(
      database.url,
      `INSERT INTO "AuditEvent" ("seq", "time", "actorName", "action", "outcome", "prevHash", "hash") VALUES (${second! + 100}, '2026-01-01T00:00:00.000Z', 'mallory', 'user.create', 'ok', '${GENESIS}', '${"a".repeat(64)}')`,
    );
    expect(await verifyAuditChain(db)).toMatchObject({ ok: false, firstBreak: { seq: second! + 100, reason: "link" } });
  });

  it("walks the log in batches and finds a break in a later one", async () => {
    for (let i = 0; i < 10; i++) await recordAudit(db, entry("container.start", { message: String(i) }));
    expect(await verifyAuditChain(db, { batchSize: 3 })).toMatchObject({ ok: true, checked: 10 });
    const target = (await seqs())[7]!;
    await rawScript(database.url, `UPDATE "AuditEvent" SET "message" = 'x' WHERE "seq" = ${target}`);
    expect(await verifyAuditChain(db, { batchSize: 3 })).toMatchObject({ ok: false, checked: 8, firstBreak: { seq: target, reason: "content" } });
  });
}
