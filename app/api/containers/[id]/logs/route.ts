/**
 * GET /api/containers/{id}/logs[?timestamps=1]: the container's whole log as a text file. An adapter only: the
 * `containers.downloadLogs` procedure authorises and audits it (viewers may not take logs away), then the log service
 * streams it.
 */
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { engine } from "@/server/engine/client";
import { createCaller } from "@/server/routers/_app";
import { logText } from "@/server/services/containers/log-stream";
import { createContextFromHeaders, translated } from "@/server/trpc";

export const dynamic = "force-dynamic";

export async function GET(req: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  const timestamps = new URL(req.url).searchParams.get("timestamps") === "1";
  try {
    const ctx = await createContextFromHeaders({ headers: req.headers, url: req.url });
    const grant = await createCaller(ctx).containers.downloadLogs({ id });
    const lines = logText(engine(), grant.id, timestamps, req.signal);
    const first = await lines.next(); // engine errors surface here, before the 200 is sent
    const body = new ReadableStream<Uint8Array>({
      start(controller) {
        if (!first.done) controller.enqueue(first.value);
        if (first.done) controller.close();
      },
      async pull(controller) {
        const next = await lines.next();
        if (next.done) controller.close();
        else controller.enqueue(next.value);
      },
      async cancel() {
        await lines.return(undefined);
      },
    });
    const filename = `${grant.name.replace(/[^A-Za-z0-9_.-]/g, "_")}.log`;
    return new Response(body, {
      headers: {
        "content-type": "text/plain; charset=utf-8",
        "content-disposition": `attachment; filename="${filename}"`,
        "cache-control": "no-store",
      },
    });
  } catch (err) {
    const known = translated(err);
    const error = known instanceof TRPCError ? known : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The log could not be read." });
    if (!(known instanceof TRPCError)) console.error(`log download of ${id} failed:`, err);
    return new Response(error.message, { status: getHTTPStatusCodeFromError(error), headers: { "content-type": "text/plain; charset=utf-8" } });
  }
}
