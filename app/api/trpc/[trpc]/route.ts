/** The tRPC HTTP endpoint: translates requests to calls, nothing else. */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { REQUEST_ID_HEADER } from "@/server/http/request-info";
import { appRouter } from "@/server/routers/_app";
import { createContextFromHeaders } from "@/server/trpc";

export const dynamic = "force-dynamic";

function handler(req: Request): Promise<Response> {
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
