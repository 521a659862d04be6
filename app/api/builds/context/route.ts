/**
 * POST /api/builds/context: a build context upload (the request body is the tar, .tar.gz or .zip; the Build page
 * packs a chosen folder into a tar). An adapter only: `builds.authorizeUpload` checks (and audits a refusal), the
 * context service stores it within the size limit, and the answer is the stored context's id, size and Dockerfile.
 * An upload over the limit is answered 413 with the limit named.
 */
import { getHTTPStatusCodeFromError } from "@trpc/server/http";
import { TRPCError } from "@trpc/server";
import { createCaller } from "@/server/routers/_app";
import { ContextTooLarge, receiveContext } from "@/server/services/builds/build-context";
import { createContextFromHeaders, translated } from "@/server/trpc";

export const dynamic = "force-dynamic";

function failure(status: number, message: string): Response {
  return Response.json({ error: message }, { status, headers: { "cache-control": "no-store" } });
}

export async function POST(req: Request): Promise<Response> {
  try {
    const ctx = await createContextFromHeaders({ headers: req.headers, url: req.url });
    const { limit } = await createCaller(ctx).builds.authorizeUpload();
    if (!req.body) return failure(400, "The upload is empty: choose a folder or a .tar, .tar.gz or .zip file.");
    const declared = Number(req.headers.get("content-length") ?? "") || null;
    const stored = await receiveContext(req.body as unknown as AsyncIterable<Uint8Array>, { limit, declaredSize: declared });
    return Response.json(stored, { headers: { "cache-control": "no-store" } });
  } catch (err) {
    if (err instanceof ContextTooLarge) return failure(413, err.message);
    const known = translated(err);
    const error = known instanceof TRPCError ? known : new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: "The upload could not be stored." });
    if (!(known instanceof TRPCError)) console.error("build context upload failed:", err);
    return failure(getHTTPStatusCodeFromError(error), error.message);
  }
}
