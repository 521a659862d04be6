/**
 * The one path that writes the audit log. Every mutation (ok, error or denied) and every denied query lands here,
 * through the procedure builder in ../trpc.ts; nothing else inserts AuditEvent rows. Keeping a single writer is what
 * lets the audit issue add its hash chain in one place.
 */
import type { Db } from "../db";
import { redact } from "./redact";

export type AuditOutcome = "ok" | "denied" | "error";

export interface AuditActor {
  id: string | null;
  name: string;
  role: string | null;
}

export interface AuditTarget {
  kind: string;
  id?: string | null;
  name?: string | null;
}

export interface AuditSource {
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  /** null when nobody is signed in */
  actor: AuditActor | null;
  action: string;
  target?: AuditTarget | null;
  /** the request's parameters; secrets are redacted here, callers pass them as received */
  params?: unknown;
  outcome: AuditOutcome;
  message?: string | null;
  source: AuditSource;
  time?: Date;
}

export const ANONYMOUS = "anonymous";

export async function recordAudit(db: Db, entry: AuditEntry): Promise<void> {
  const { actor, target, source } = entry;
  await db.auditEvent.create({
    data: {
      time: entry.time ?? new Date(),
      actorId: actor?.id ?? null,
      actorName: actor?.name ?? ANONYMOUS,
      actorRole: actor?.role ?? null,
      action: entry.action,
      targetKind: target?.kind ?? null,
      targetId: target?.id ?? null,
      targetName: target?.name ?? null,
      params: entry.params === undefined ? null : JSON.stringify(redact(entry.params)),
      outcome: entry.outcome,
      message: entry.message ?? null,
      sourceIp: source.sourceIp,
      userAgent: source.userAgent,
      requestId: source.requestId,
    },
  });
}
