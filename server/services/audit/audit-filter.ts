/**
 * A filter over the audit log, as the viewer's URL, the list and the export share it. Every field narrows; each maps to
 * an indexed column (see AuditEvent's @@index lines) so that a filtered page stays fast on a million rows: the
 * equality filters use their `(column, seq)` index and walk it in seq order; free-text search scans, newest first,
 * until it has a page.
 */
import { z } from "zod";
import type { Prisma } from "../../db";

export const auditOutcomes = ["ok", "denied", "error"] as const;

export const auditFilterSchema = z.object({
  /** actor's name as recorded (`alice`, `engine-socket`, `anonymous`) */
  actor: z.string().trim().min(1).max(200).optional(),
  /** exact action (`container.create`), or a prefix ending in a dot (`container.`) */
  action: z.string().trim().min(1).max(200).optional(),
  targetKind: z.string().trim().min(1).max(100).optional(),
  /** the target's id or name */
  target: z.string().trim().min(1).max(300).optional(),
  team: z.string().trim().min(1).max(200).optional(),
  outcome: z.enum(auditOutcomes).optional(),
  from: z.coerce.date().optional(),
  to: z.coerce.date().optional(),
  /** free text, matched in actor, action, target, message and parameters */
  q: z.string().trim().min(1).max(200).optional(),
});

export type AuditFilter = z.infer<typeof auditFilterSchema>;

export function auditWhere(filter: AuditFilter): Prisma.AuditEventWhereInput {
  const and: Prisma.AuditEventWhereInput[] = [];
  if (filter.actor) and.push({ actorName: filter.actor });
  if (filter.action) and.push(filter.action.endsWith(".") ? { action: { startsWith: filter.action } } : { action: filter.action });
  if (filter.targetKind) and.push({ targetKind: filter.targetKind });
  if (filter.target) and.push({ OR: [{ targetId: filter.target }, { targetName: filter.target }] });
  if (filter.team) and.push({ team: filter.team });
  if (filter.outcome) and.push({ outcome: filter.outcome });
  if (filter.from) and.push({ time: { gte: filter.from } });
  if (filter.to) and.push({ time: { lte: filter.to } });
  if (filter.q) {
    const q = filter.q;
    and.push({
      OR: [
        { actorName: { contains: q } },
        { action: { contains: q } },
        { targetId: { contains: q } },
        { targetName: { contains: q } },
        { message: { contains: q } },
        { params: { contains: q } },
      ],
    });
  }
  return and.length ? { AND: and } : {};
}
