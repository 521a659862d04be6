/**
 * GET /api/audit/export?format=csv|jsonl&<filter>: the audit log under the viewer's filter (the same query string as
 * the /audit page) as a file. An adapter only: the `audit.export` procedure authorises and audits it (with the filter),
 * then the export service streams it in keyset batches.
 */
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/routers/_app";
import { exportAudit } from "@/server/services/audit/export-audit";
import { createContextFromHeaders, translated } from "@/server/trpc";

export const dynamic = "force-dynamic";

const filterKeys = ["actor", "action", "targetKind", "target", "team", "outcome", "from", "to", "q"] as const;

export async function GET(req: Request): Promise<Response> {
  const params = new URL(req.url).searchParams;
  const filter = Object.fromEntries(filterKeys.flatMap((k) => (params.get(k) ? [[k, params.get(k)]] : [])));
  try {
    const ctx = await createContextFromHeaders({ headers: req.headers, url: req.url });
    const grant = await createCaller(ctx).audit.export({ format: params.get("format") as "csv", filter });
    const chunks = exportAudit(ctx.db, grant.filter, grant.format);
    const body = new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await chunks.next();
        if (next.done) controller.close();
        else controller.enqueue(new TextEncoder().encode(next.value));
      },
      async cancel() {
        await chunks.return(undefined);
      },
    });
    const stamp = new Date().toISOString().replace(/[:.]/g, "-");
    return new Response(body, {
      headers: {
        "content-type": grant.format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8",
        "content-disposition": `attachment; filename="hako-audit-${stamp}.${grant.format}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    const known = translated(err);
    const error = known instanceof TRPCError ? known : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The audit log could not be exported." });
    if (!(known instanceof TRPCError)) console.error("audit export failed:", err);
    return new Response(error.message, { status: getHTTPStatusCodeFromError(error), headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
