/** tRPC for server components: the same procedures, checks and audit path, called without HTTP. */
import { headers } from "next/headers";
import { cache } from "react";
import { createCaller } from "@/server/routers/_app";
import { createContextFromHeaders } from "@/server/trpc";

/** One caller per request (React's cache), so the session is resolved once however many components ask. */
export const serverCaller = cache(async () => createCaller(await createContextFromHeaders({ headers: await headers() })));
