/**
 * What the audit path adds to a mutation: N calls of two cheap procedures through the console's own tRPC stack
 * (in process, with a signed-in admin's context, on a fresh migrated database), once with the real audit writer and
 * once with it replaced by a no-op (replaceAuditWriterForBench), in alternating rounds so that a change of load hits
 * both sides alike. Per call: p50, p95 and mean; the ratio is audited ÷ unaudited mean.
 *
 * - `audit.export`: a mutation that does nothing but its audit row, so it shows the audit path's own cost;
 * - `images.setRule`: a real cheap mutation (one upsert of a repository rule).
 *
 *   npx tsx bench/audit/mutation-cost.ts [--calls 1000] [--rounds 10] [--url file:… | postgresql://…]
 */
import { mkdtempSync } from "node:fs";
import { loadavg, tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { replaceAuditWriterForBench } from "../../server/audit/record";
import { closeDatabase, openDatabase, parseDatabaseUrl } from "../../server/db";
import { createCaller } from "../../server/routers/_app";
import { userContext } from "../../server/testing/contexts";

const { values } = parseArgs({ options: { calls: { type: "string", default: "1000" }, rounds: { type: "string", default: "10" }, url: { type: "string" } } });
const calls = Number(values.calls);
const rounds = Number(values.rounds);
const url = values.url ?? `file:${path.join(mkdtempSync(path.join(tmpdir(), "hako-audit-cost-")), "hako.db")}`;

function stats(samples: number[]): { p50: number; p95: number; mean: number } {
  const sorted = [...samples].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1)]!;
  return { p50: at(0.5), p95: at(0.95), mean: samples.reduce((a, b) => a + b, 0) / samples.length };
}

async function main(): Promise<void> {
  const db = await openDatabase(url);
  const user = await db.user.upsert({ where: { username: "bench-admin" }, create: { username: "bench-admin", passwordHash: "x", role: "admin" }, update: {} });
  const caller = createCaller(userContext(db, { id: user.id, name: user.username, role: "admin" }));
  const procedures: [string, (i: number) => Promise<unknown>][] = [
    ["audit.export", () => caller.audit.export({ format: "csv", filter: { team: "payments" } })],
    ["images.setRule", (i) => caller.images.setRule({ repository: `bench/app${i % 50}`, immutableTags: i % 2 === 0 })],
  ];
  const perRound = Math.max(1, Math.floor(calls / rounds));
  console.log(`${parseDatabaseUrl(url).provider}: ${perRound * rounds} calls per side and procedure, ${rounds} alternating rounds; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  console.log("| procedure | audited p50 (ms) | p95 | mean | no-op writer p50 (ms) | p95 | mean | ratio (mean) | added per call (ms) |");
  console.log("|---|---|---|---|---|---|---|---|---|");
  for (const [name, call] of procedures) {
    for (let i = 0; i < 50; i++) await call(i); // warm-up: JIT, prepared statements, connection pool
    const audited: number[] = [];
    const bare: number[] = [];
    for (let r = 0; r < rounds; r++) {
      for (const side of r % 2 === 0 ? ["audited", "bare"] : ["bare", "audited"]) {
        const restore = side === "bare" ? replaceAuditWriterForBench(async () => undefined) : () => undefined;
        try {
          for (let i = 0; i < perRound; i++) {
            const t = performance.now();
            await call(i);
            (side === "bare" ? bare : audited).push(performance.now() - t);
          }
        } finally {
          restore();
        }
      }
    }
    const a = stats(audited);
    const b = stats(bare);
    console.log(`| ${name} | ${a.p50.toFixed(3)} | ${a.p95.toFixed(3)} | ${a.mean.toFixed(3)} | ${b.p50.toFixed(3)} | ${b.p95.toFixed(3)} | ${b.mean.toFixed(3)} | ${(a.mean / b.mean).toFixed(2)}× | ${(a.mean - b.mean).toFixed(3)} |`);
  }
  console.log(`audit rows now: ${await db.auditEvent.count()}; load ${loadavg().map((l) => l.toFixed(2)).join(" ")}`);
  await closeDatabase();
}

void main();
