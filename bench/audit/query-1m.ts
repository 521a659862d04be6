/**
 * The audit viewer on a million rows: fills a fresh SQLite database (migrated like production) with N chained events
 * (default 1,000,000; a realistic mix of actors, actions, targets, teams and outcomes), then times the viewer's queries
 * (first page and a deep keyset page, per filter) through the console's own service, p50/p95 over R runs, and one full
 * `verify` walk.
 *
 *   npx tsx bench/audit/query-1m.ts [--rows 1000000] [--runs 20] [--url file:/tmp/audit-1m.db]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import Database from "better-sqlite3";
import { chainHash, GENESIS } from "../../server/audit/chain";
import { verifyAuditChain } from "../../server/audit/verify";
import { closeDatabase, openDatabase, parseDatabaseUrl } from "../../server/db";
import type { AuditFilter } from "../../server/services/audit/audit-filter";
import { listAudit } from "../../server/services/audit/list-audit";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" }, url: { type: "string" } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const url = values.url ?? `file:${path.join(mkdtempSync(path.join(tmpdir(), "hako-audit-bench-")), "hako.db")}`;

async function fill(): Promise<void> {
  const db = await openDatabase(url); // migrates
  const existing = await db.auditEvent.count();
  await closeDatabase();
  if (existing >= rows) return;
  const target = parseDatabaseUrl(url);
  if (target.provider !== "sqlite") throw new Error("fill is SQLite-only; point --url at a file");
  const sqlite = new Database(target.file);
  sqlite.pragma("journal_mode = WAL");
  const insert = sqlite.prepare(`INSERT INTO "AuditEvent" ("seq","time","actorId","actorName","actorRole","action","targetKind","targetId","targetName","team","params","outcome","message","sourceIp","userAgent","requestId","prevHash","hash") VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`);
  const actors = Array.from({ length: 50 }, (_, i) => `user${i}`).concat(["engine-socket"]);
  const actions = ["container.create", "container.start", "container.stop", "container.remove", "container.exec", "image.pull", "image.push", "auth.signin", "auth.signin.failed", "container.list"];
  const teams = ["web", "payments", "data", "ops", null];
  const start = Date.UTC(2026, 0, 1);
  let prevHash = GENESIS;
  const batch = sqlite.transaction((from: number, to: number) => {
    for (let seq = from; seq < to; seq++) {
      const content = {
        seq,
        time: new Date(start + seq * 1000),
        actorId: null,
        actorName: actors[(seq * 7) % actors.length]!,
        actorRole: "operator",
        action: actions[(seq * 13) % actions.length]!,
        targetKind: "container",
        targetId: `c${(seq * 31) % 20000}`,
        targetName: `svc-${(seq * 31) % 20000}`,
        team: teams[seq % teams.length] ?? null,
        params: JSON.stringify({ image: "busybox", cmd: ["sh", "-c", `echo ${seq}`] }),
        outcome: seq % 50 === 0 ? "denied" : seq % 97 === 0 ? "error" : "ok",
        message: seq % 97 === 0 ? `engine said no ${seq}` : null,
        sourceIp: "10.0.0.1",
        userAgent: "bench",
        requestId: null,
        prevHash,
      };
      const hash = chainHash(content);
      insert.run(seq, content.time.getTime(), null, content.actorName, content.actorRole, content.action, content.targetKind, content.targetId, content.targetName, content.team, content.params, content.outcome, content.message, content.sourceIp, content.userAgent, null, prevHash, hash);
      prevHash = hash;
    }
  });
  const t0 = performance.now();
  for (let from = existing + 1; from <= rows; from += 50_000) batch(from, Math.min(rows + 1, from + 50_000));
  sqlite.pragma("optimize");
  sqlite.close();
  console.log(`filled ${rows} rows in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function main(): Promise<void> {
  await fill();
  const db = await openDatabase(url);
  const cases: [string, AuditFilter][] = [
    ["no filter", {}],
    ["actor", { actor: "user7" }],
    ["action", { action: "container.exec" }],
    ["action prefix", { action: "image." }],
    ["target", { target: "c1234" }],
    ["team", { team: "payments" }],
    ["outcome denied", { outcome: "denied" }],
    ["time range (1 h)", { from: new Date(Date.UTC(2026, 0, 5)), to: new Date(Date.UTC(2026, 0, 5, 1)) }],
    ["actor + outcome", { actor: "user7", outcome: "denied" }],
    ["search (message)", { q: "engine said no 5" }],
  ];
  console.log(`| filter | p50 first page (ms) | p95 first page (ms) | p95 page 50 deep (ms) |`);
  console.log(`|---|---|---|---|`);
  for (const [name, filter] of cases) {
    const first: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await listAudit(db, filter, { limit: 100 });
      first.push(performance.now() - t);
    }
    // walk 50 pages down, then time that page
    let before: number | undefined;
    for (let i = 0; i < 50; i++) {
      const page = await listAudit(db, filter, { limit: 100, before });
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    const deep: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      await listAudit(db, filter, { limit: 100, before });
      deep.push(performance.now() - t);
    }
    first.sort((a, b) => a - b);
    deep.sort((a, b) => a - b);
    console.log(`| ${name} | ${percentile(first, 50).toFixed(1)} | ${percentile(first, 95).toFixed(1)} | ${percentile(deep, 95).toFixed(1)} |`);
  }
  const t = performance.now();
  const report = await verifyAuditChain(db);
  console.log(`verify: ${report.ok ? "intact" : "broken"}, ${report.checked} rows in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  await closeDatabase();
}

void main();
