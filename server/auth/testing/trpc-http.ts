/**
 * Requests to the console's tRPC HTTP API as its route handler (app/api/trpc/[trpc]/route.ts) serves them — the CSRF
 * check, then tRPC's fetch adapter with the context built from the request's own headers — for tests of what a
 * browser or a script sees: status codes, Set-Cookie headers, error codes and messages.
 */
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { crossOriginRefusal } from "../../http/same-origin";
import { appRouter } from "../../routers/_app";
import { createContextFromHeaders } from "../../trpc";

export const CONSOLE = "http://console.test";

export interface TrpcResponse {
  status: number;
  headers: Headers;
  /** the procedure's result (superjson's `json` part), when it succeeded */
  data: unknown;
  /** the error's code and message, when it failed */
  error: { code: string; message: string } | null;
}

export async function callHttp(
  path: string,
  options: { input?: unknown; mutation?: boolean; headers?: Record<string, string>; url?: string } = {},
): Promise<TrpcResponse> {
  const base = options.url ?? CONSOLE;
  const mutation = options.mutation ?? true;
  const query = mutation || options.input === undefined ? "" : `?input=${encodeURIComponent(JSON.stringify({ json: options.input }))}`;
  const req = new Request(`${base}/api/trpc/${path}${query}`, {
    method: mutation ? "POST" : "GET",
    headers: { "content-type": "application/json", "user-agent": "vitest-http", "x-hako-remote-addr": "198.51.100.20", ...options.headers },
    body: mutation ? JSON.stringify({ json: options.input ?? null }) : undefined,
  });
  const refusal = crossOriginRefusal(req.method, req.headers, req.url);
  if (refusal) return { status: 403, headers: new Headers(), data: undefined, error: { code: "FORBIDDEN", message: refusal } };
  const res = await fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req, resHeaders }) => createContextFromHeaders({ headers: req.headers, resHeaders, url: req.url }),
  });
  const body = (await res.json()) as { result?: { data?: { json?: unknown } }; error?: { json: { message: string; data: { code: string } } } };
  return {
    status: res.status,
    headers: res.headers,
    data: body.result?.data?.json,
    error: body.error ? { code: body.error.json.data.code, message: body.error.json.message } : null,
  };
}

/** The session token a response set, from its Set-Cookie header; null when it set none (or cleared it). */
export function sessionTokenOf(res: TrpcResponse): string | null {
  const cookie = res.headers.get("set-cookie") ?? "";
  const token = /hako_session=([^;]*)/.exec(cookie)?.[1];
  return token || null;
}
