/**
 * The audit viewer on a million rows: fills a database (migrated like production; SQLite by default, PostgreSQL with a
 * postgresql:// --url) with N chained events (default 1,000,000; ./rows.ts), then times the viewer's queries
 * (first page and a deep keyset page, per filter) through the console's own service, p50/p95 over R runs, and one full
 * `verify` walk.
 *
 *   npx tsx bench/audit/query-1m.ts [--rows 1000000] [--runs 20] [--url file:/tmp/audit-1m.db | postgresql://…]
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { verifyAuditChain } from "../../server/audit/verify";
import { closeDatabase, openDatabase, parseDatabaseUrl } from "../../server/db";
import type { AuditFilter } from "../../server/services/audit/audit-filter";
import { listAudit } from "../../server/services/audit/list-audit";
import { fillAudit } from "./fill";

const { values } = parseArgs({ options: { rows: { type: "string", default: "1000000" }, runs: { type: "string", default: "20" }, url: { type: "string" } } });
const rows = Number(values.rows);
const runs = Number(values.runs);
const url = values.url ?? `file:${path.join(mkdtempSync(path.join(tmpdir(), "hako-audit-bench-")), "hako.db")}`;

async function fill(): Promise<void> {
  await openDatabase(url); // migrates
  await closeDatabase();
  await fillAudit(url, rows);
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
  console.log(`${parseDatabaseUrl(url).provider}, ${await db.auditEvent.count()} rows, ${runs} runs per case`);
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
