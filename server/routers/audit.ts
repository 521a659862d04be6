/**
 * The audit log: the viewer's pages, the chain's integrity, the authorisation (audited) of an export, and the
 * transcripts of terminal sessions for replay.
 */
import { z } from "zod";
import { verifyAuditChain, describeChainReport } from "../audit/verify";
import { auditFilterSchema } from "../services/audit/audit-filter";
import { exportFormats } from "../services/audit/export-audit";
import { listAudit } from "../services/audit/list-audit";
import { readTranscript } from "../services/audit/read-transcript";
import { createTRPCRouter, procedure } from "../trpc";

export const auditRouter = createTRPCRouter({
  list: procedure("audit.list")
    .input(auditFilterSchema.extend({ before: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) }))
    .query(({ ctx, input }) => {
      const { before, limit, ...filter } = input;
      return listAudit(ctx.db, filter, { before, limit });
    }),

  verify: procedure("audit.verify").query(async ({ ctx }) => {
    const report = await verifyAuditChain(ctx.db);
    return { ...report, summary: describeChainReport(report) };
  }),

  /** Authorises and audits an export (with its filter); the route handler (app/api/audit/export) then streams it. */
  export: procedure("audit.export")
    .input(z.object({ format: z.enum(exportFormats), filter: auditFilterSchema }))
    .mutation(({ ctx, input }) => {
      ctx.audit.target = { kind: "audit", name: input.format };
      return input;
    }),

  /** One terminal session's recording (asciicast v2) for the replay player. */
  transcript: procedure("audit.transcript.read")
    .input(z.object({ id: z.string().trim().min(1).max(64) }))
    .query(({ ctx, input }) => readTranscript(ctx.db, input.id)),
});
