/**
 * Bulk-fills an audit table for the benchmarks, past the one writer (record.ts appends one row per transaction, which
 * would take hours for a million): SQLite through better-sqlite3 in 50,000-row transactions, PostgreSQL through `pg`
 * with one `INSERT … SELECT unnest(…)` per 10,000 rows. Both resume after the highest seq present, chaining on.
 */
import Database from "better-sqlite3";
import pg from "pg";
import { GENESIS } from "../../server/audit/chain";
import { parseDatabaseUrl } from "../../server/db";
import { benchColumns, benchRow, type BenchRow } from "./rows";

const columnList = benchColumns.map((c) => `"${c}"`).join(",");

export async function fillAudit(url: string, rows: number): Promise<void> {
  const target = parseDatabaseUrl(url);
  const t0 = performance.now();
  const filled = target.provider === "sqlite" ? fillSqlite(target.file, rows) : await fillPostgres(target.connection, rows);
  if (filled > 0) console.log(`filled ${filled} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function fillSqlite(file: string, rows: number): number {
  const sqlite = new Database(file);
  sqlite.pragma("journal_mode = WAL");
  const head = sqlite.prepare(`SELECT "seq", "hash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1`).get() as { seq: number; hash: string } | undefined;
  const insert = sqlite.prepare(`INSERT INTO "AuditEvent" (${columnList}) VALUES (${benchColumns.map(() => "?").join(",")})`);
  let prevHash = head?.hash ?? GENESIS;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let seq = from; seq < to; seq++) {
      const row = benchRow(seq, prevHash);
      insert.run(...benchColumns.map((c) => (c === "time" ? row.time.getTime() : row[c])));
      prevHash = row.hash;
    }
  });
  const from = (head?.seq ?? 0) + 1;
  for (let seq = from; seq <= rows; seq += 50_000) batch(seq, Math.min(rows + 1, seq + 50_000));
  sqlite.pragma("optimize");
  sqlite.close();
  return Math.max(0, rows - from + 1);
}

const pgTypes: Record<(typeof benchColumns)[number], string> = {
  seq: "int", time: "timestamp(3)", actorId: "text", actorName: "text", actorRole: "text", action: "text", targetKind: "text",
  targetId: "text", targetName: "text", team: "text", params: "text", outcome: "text", message: "text", sourceIp: "text",
  userAgent: "text", requestId: "text", prevHash: "text", hash: "text",
};

async function fillPostgres(connection: pg.ClientConfig, rows: number): Promise<number> {
  const client = new pg.Client(connection);
  await client.connect();
  try {
    const head = (await client.query<{ seq: number; hash: string }>(`SELECT "seq", "hash" FROM "AuditEvent" ORDER BY "seq" DESC LIMIT 1`)).rows[0];
    const insert = `INSERT INTO "AuditEvent" (${columnList}) SELECT * FROM unnest(${benchColumns.map((c, i) => `$${i + 1}::${pgTypes[c]}[]`).join(",")})`;
    let prevHash = head?.hash ?? GENESIS;
    const from = (head?.seq ?? 0) + 1;
    for (let start = from; start <= rows; start += 10_000) {
      const batch: BenchRow[] = [];
      for (let seq = start; seq < Math.min(rows + 1, start + 10_000); seq++) {
        const row = benchRow(seq, prevHash);
        batch.push(row);
        prevHash = row.hash;
      }
      // timestamp(3) without time zone holds UTC as Prisma writes it: pass ISO text without the zone.
      await client.query(insert, benchColumns.map((c) => batch.map((r) => (c === "time" ? r.time.toISOString().slice(0, -1) : r[c]))));
    }
    // Later appends (record.ts) take seq from the SERIAL: move it past the rows inserted by hand.
    await client.query(`SELECT setval(pg_get_serial_sequence('"AuditEvent"', 'seq'), (SELECT COALESCE(MAX("seq"), 1) FROM "AuditEvent"))`);
    await client.query(`ANALYZE "AuditEvent"`);
    return Math.max(0, rows - from + 1);
  } finally {
    await client.end();
  }
}
