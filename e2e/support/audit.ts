/** The console's audit log, read straight from its SQLite database (read-only), as an auditor would. */
import Database from "better-sqlite3";

export interface AuditRow {
  action: string;
  outcome: string;
  actorName: string;
  targetName: string | null;
  params: string | null;
  message: string | null;
}

export function auditRows(where: string, ...values: unknown[]): AuditRow[] {
  const file = (process.env.HAKO_E2E_DATABASE_URL ?? "").replace(/^file:/, "");
  const db = new Database(file, { readonly: true, fileMustExist: true });
  try {
    return db.prepare(`SELECT action, outcome, actorName, targetName, params, message FROM AuditEvent WHERE ${where} ORDER BY seq`).all(...values) as AuditRow[];
  } finally {
    db.close();
  }
}
