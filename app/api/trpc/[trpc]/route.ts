/** The tRPC HTTP endpoint: translates requests to calls, after refusing cross-site changes (server/http/same-origin.ts). */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { recordAudit } from "@/server/audit/record";
import { openDatabase } from "@/server/db";
import { requestInfoFromHeaders, REQUEST_ID_HEADER } from "@/server/http/request-info";
import { crossOriginRefusal } from "@/server/http/same-origin";
import { appRouter } from "@/server/routers/_app";
import { createContextFromHeaders } from "@/server/trpc";

export const dynamic = "force-dynamic";

/** A refused cross-site request is answered 403 before any procedure runs, and audited (who, from where, which path). */
async function refuseCrossOrigin(req: Request, message: string): Promise<Response> {
  const request = requestInfoFromHeaders(req.headers, req.url);
  const path = new URL(req.url).pathname.replace(/^\/api\/trpc\/?/, "");
  await recordAudit(await openDatabase(), {
    actor: null,
    action: "http.cross-origin",
    target: { kind: "procedure", name: path.slice(0, 300) },
    params: { origin: req.headers.get("origin"), secFetchSite: req.headers.get("sec-fetch-site") },
    outcome: "denied",
    message,
    source: request,
  });
  const body = { error: { json: { message, code: -32003, data: { code: "FORBIDDEN", httpStatus: 403, requestId: request.requestId } } } };
  return Response.json(body, { status: 403, headers: { [REQUEST_ID_HEADER]: request.requestId } });
}

async function handler(req: Request): Promise<Response> {
  const refusal = crossOriginRefusal(req.method, req.headers, req.url);
  if (refusal) return refuseCrossOrigin(req, refusal);
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req, resHeaders }) => createContextFromHeaders({ headers: req.headers, resHeaders, url: req.url }),
    responseMeta: ({ ctx }) => ({ headers: ctx ? { [REQUEST_ID_HEADER]: ctx.request.requestId } : {} }),
    onError: ({ error, path, ctx }) => {
      if (error.code === "INTERNAL_SERVER_ERROR") {
        console.error(`tRPC ${path ?? "?"} failed (request ${ctx?.request.requestId ?? "?"}):`, error.cause ?? error);
      }
    },
  });
}

export { handler as GET, handler as POST };
