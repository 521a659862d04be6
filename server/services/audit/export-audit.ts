/**
 * The audit log under a filter as a file: CSV (RFC 4180, one header row) or JSON Lines (one event per line), oldest
 * first, produced in keyset batches so that memory stays flat whatever the size.
 */
import type { AuditEvent, Db } from "../../db";
import { auditWhere, type AuditFilter } from "./audit-filter";

export const exportFormats = ["csv", "jsonl"] as const;
export type ExportFormat = (typeof exportFormats)[number];

const columns = [
  "seq", "time", "actorId", "actorName", "actorRole", "action", "targetKind", "targetId", "targetName", "team", "params",
  "outcome", "message", "sourceIp", "userAgent", "requestId", "prevHash", "hash",
] as const satisfies readonly (keyof AuditEvent)[];

function csvField(value: unknown): string {
  if (value === null || value === undefined) return "";
  const text = value instanceof Date ? value.toISOString() : String(value);
  // Cells that a spreadsheet would run as a formula are prefixed with a quote (CSV injection).
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\r\n]/.test(safe) ? `"${safe.replaceAll('"', '""')}"` : safe;
}

export function csvRow(event: AuditEvent): string {
  return columns.map((c) => csvField(event[c])).join(",") + "\r\n";
}

export function jsonLine(event: AuditEvent): string {
  return JSON.stringify(Object.fromEntries(columns.map((c) => [c, event[c] instanceof Date ? (event[c] as Date).toISOString() : event[c]]))) + "\n";
}

export async function* exportAudit(db: Db, filter: AuditFilter, format: ExportFormat, batchSize = 2000): AsyncGenerator<string> {
  if (format === "csv") yield columns.join(",") + "\r\n";
  const where = auditWhere(filter);
  let after = 0;
  for (;;) {
    const rows = await db.auditEvent.findMany({ where: { AND: [where, { seq: { gt: after } }] }, orderBy: { seq: "asc" }, take: batchSize });
    if (rows.length) yield rows.map(format === "csv" ? csvRow : jsonLine).join("");
    if (rows.length < batchSize) return;
    after = rows[rows.length - 1]!.seq;
  }
}
