/**
 * One page of the audit log, newest first, with keyset pagination: `before` is the last seq of the previous page, so
 * page N costs the same as page 1 (no OFFSET) and rows appended meanwhile never shift a page.
 */
import type { AuditEvent, Db } from "../../db";
import { auditWhere, type AuditFilter } from "./audit-filter";

export interface AuditPage {
  events: AuditEvent[];
  /** pass as `before` for the next (older) page; null on the last page */
  nextBefore: number | null;
}

export async function listAudit(db: Db, filter: AuditFilter, page: { before?: number; limit: number }): Promise<AuditPage> {
  const where = auditWhere(filter);
  const rows = await db.auditEvent.findMany({
    where: page.before === undefined ? where : { AND: [where, { seq: { lt: page.before } }] },
    orderBy: { seq: "desc" },
    take: page.limit + 1,
  });
  const more = rows.length > page.limit;
  const events = more ? rows.slice(0, page.limit) : rows;
  return { events, nextBefore: more ? events[events.length - 1]!.seq : null };
}
