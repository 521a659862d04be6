/**
 * Walks the audit log in seq order and checks the hash chain (./chain.ts): every row's hash matches its content, and
 * every row's prevHash is the hash of the row before it. Reports the first row where either fails — the row that was
 * edited, or the row after one that was inserted or deleted.
 */
import type { Db } from "../db";
import { chainHash, GENESIS } from "./chain";

export type ChainBreakReason = "content" | "link";

export interface ChainBreak {
  seq: number;
  /** content: the row's hash does not match what it says (it was edited); link: its prevHash is not the previous
   *  row's hash (a row before it was removed, inserted or had its hash rewritten) */
  reason: ChainBreakReason;
}

export interface ChainReport {
  ok: boolean;
  /** rows checked (all of them when ok; up to and including the break otherwise) */
  checked: number;
  /** the last row's seq and hash when ok: keep them elsewhere to notice rows removed from the end later */
  head: { seq: number; hash: string } | null;
  firstBreak: ChainBreak | null;
}

export async function verifyAuditChain(db: Db, options: { batchSize?: number } = {}): Promise<ChainReport> {
  const batchSize = options.batchSize ?? 2000;
  let prevHash = GENESIS;
  let after = 0;
  let checked = 0;
  let head: ChainReport["head"] = null;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { seq: { gt: after } }, orderBy: { seq: "asc" }, take: batchSize });
    for (const row of rows) {
      checked++;
      if (row.prevHash !== prevHash) return { ok: false, checked, head: null, firstBreak: { seq: row.seq, reason: "link" } };
      if (chainHash(row) !== row.hash) return { ok: false, checked, head: null, firstBreak: { seq: row.seq, reason: "content" } };
      prevHash = row.hash;
      head = { seq: row.seq, hash: row.hash };
    }
    if (rows.length < batchSize) return { ok: true, checked, head, firstBreak: null };
    after = rows[rows.length - 1]!.seq;
  }
}

export function describeChainReport(report: ChainReport): string {
  if (report.ok) {
    return report.head
      ? `audit chain intact: ${report.checked} events, head seq ${report.head.seq} hash ${report.head.hash}`
      : "audit chain intact: no events yet";
  }
  const b = report.firstBreak!;
  const why = b.reason === "content" ? "its content does not match its hash (the row was edited)" : "it does not follow the row before it (a row was removed, inserted or rewritten)";
  return `audit chain broken at sequence ${b.seq}: ${why}`;
}
