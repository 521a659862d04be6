/**
 * The synthetic audit log the benchmarks fill: a realistic mix of 51 actors (one `engine-socket`), ten actions,
 * 20,000 targets, five teams (one null) and the three outcomes, one event a second from 2026-01-01, each row chained
 * to the one before exactly as server/audit/record.ts would chain it (so `verify` passes on the result).
 */
import { chainHash, type ChainedContent } from "../../server/audit/chain";

export interface BenchRow extends ChainedContent {
  hash: string;
}

const actors = Array.from({ length: 50 }, (_, i) => `user${i}`).concat(["engine-socket"]);
const actions = ["container.create", "container.start", "container.stop", "container.remove", "container.exec", "image.pull", "image.push", "auth.signin", "auth.signin.failed", "container.list"];
const teams = ["web", "payments", "data", "ops", null];
export const BENCH_START = Date.UTC(2026, 0, 1);

export function benchRow(seq: number, prevHash: string): BenchRow {
  const content: ChainedContent = {
    seq,
    time: new Date(BENCH_START + seq * 1000),
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
  return { ...content, hash: chainHash(content) };
}

/** Column order of the bulk inserts. */
export const benchColumns = [
  "seq", "time", "actorId", "actorName", "actorRole", "action", "targetKind", "targetId", "targetName", "team", "params",
  "outcome", "message", "sourceIp", "userAgent", "requestId", "prevHash", "hash",
] as const;
