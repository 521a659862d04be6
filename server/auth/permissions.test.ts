/**
 * The permission matrix is enforced on every procedure: each one declares an action, and each role the matrix leaves
 * out of an action is refused (FORBIDDEN, or UNAUTHORIZED when nobody is signed in) with a "denied" audit row — called
 * in process, and sent over HTTP with a real session cookie the way a script skipping the UI would (403, audited).
 */
import { TRPCError, type AnyTRPCProcedure } from "@trpc/server";
import { fetchRequestHandler } from "@trpc/server/adapters/fetch";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { appRouter, createCaller } from "../routers/_app";
import { anonymousContext, userContext } from "../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { crossOriginRefusal } from "../http/same-origin";
import { createContextFromHeaders, type Context } from "../trpc";
import { SESSION_COOKIE } from "./cookie";
import { openSession } from "./sessions";
import { isAllowed, isPublic, permissions, refinements, roles, type Action } from "./permissions";

interface ProcedureInfo {
  path: string;
  action: Action | undefined;
  type: "query" | "mutation" | "subscription";
}

// At runtime `_def.procedures` is flat ("auth.signin" → procedure) although its static type mirrors the nesting.
const flat = appRouter._def.procedures as unknown as Record<string, AnyTRPCProcedure>;
const procedures: ProcedureInfo[] = Object.entries(flat).map(
  ([path, procedure]) => ({ path, action: (procedure._def.meta as { action?: Action } | undefined)?.action, type: procedure._def.type }),
);

/** Calls a procedure by its dotted path, as an HTTP request would, with no input (refusal comes before validation). */
async function call(ctx: Context, path: string): Promise<unknown> {
  let target: unknown = createCaller(ctx);
  for (const segment of path.split(".")) target = (target as Record<string, unknown>)[segment];
  return (target as (input?: unknown) => Promise<unknown>)(undefined);
}

async function refusal(ctx: Context, path: string): Promise<TRPCError> {
  const error = await call(ctx, path).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error, `${path} should be refused`).toBeInstanceOf(TRPCError);
  return error as TRPCError;
}

const CONSOLE = "http://console.test";

/**
 * A request to /api/trpc/<path> as the console's route handler (app/api/trpc/[trpc]/route.ts) serves it: the CSRF
 * check, then tRPC's fetch adapter with the context built from the request's own headers (the session cookie). Sent
 * from the console's own origin, so that only the permission check can refuse it.
 */
async function overHttp(path: string, type: ProcedureInfo["type"], cookie: string): Promise<Response> {
  const post = type === "mutation";
  const req = new Request(`${CONSOLE}/api/trpc/${path}`, {
    method: post ? "POST" : "GET",
    headers: { cookie, origin: CONSOLE, "sec-fetch-site": "same-origin", "content-type": "application/json", "user-agent": "vitest-http" },
    body: post ? "{}" : undefined,
  });
  if (crossOriginRefusal(req.method, req.headers, req.url)) throw new Error("the test request itself was refused as cross-origin");
  return fetchRequestHandler({
    endpoint: "/api/trpc",
    req,
    router: appRouter,
    createContext: ({ req, resHeaders }) => createContextFromHeaders({ headers: req.headers, resHeaders, url: req.url }),
  });
}

interface ErrorShape {
  message: string;
  data: { code: string; requestId: string };
}

/** A query's or mutation's refusal: the HTTP status itself is 403. */
async function jsonError(res: Response): Promise<ErrorShape> {
  expect(res.status).toBe(403);
  return ((await res.json()) as { error: { json: ErrorShape } }).error.json;
}

/**
 * A subscription is an SSE stream (what EventSource, and tRPC's subscription link, expect): the refusal comes as its
 * one `serialized-error` event, with the same code and message, and the stream ends.
 */
async function sseError(res: Response): Promise<ErrorShape> {
  expect(res.headers.get("content-type")).toContain("text/event-stream");
  const text = await res.text();
  const data = /event: serialized-error\ndata: (.*)\n/.exec(text)?.[1];
  expect(data, text).toBeDefined();
  return (JSON.parse(data!) as { json: ErrorShape }).json;
}

let temp: TempDatabase;
beforeAll(async () => {
  // No engine in this test: calls that pass the check fail fast against a socket that does not exist.
  process.env.HAKO_HOST = "unix:///nonexistent/hako-permissions-test.sock";
  temp = await openTempDatabase();
  process.env.DATABASE_URL = temp.url; // the HTTP path opens the process's database by itself
});
afterAll(async () => temp.close());

describe("permission matrix", () => {
  it("every procedure of the app router declares an action from the matrix", () => {
    expect(procedures.length).toBeGreaterThan(0);
    for (const { path, action } of procedures) {
      expect(action, `${path} has no permission`).toBeDefined();
      expect(Object.keys(permissions), `${path}: unknown action`).toContain(action);
    }
  });

  it("every action in the matrix is used by some procedure, or refines one that is (no dead entries)", () => {
    const used = new Set(procedures.map((p) => p.action));
    for (const action of Object.keys(permissions) as Action[]) {
      const refined = (refinements as Partial<Record<Action, Action>>)[action];
      if (refined) {
        expect(used, `${action} refines ${refined}`).toContain(refined);
        expect(used, `${action} is a refinement, not a procedure's own action`).not.toContain(action);
      } else {
        expect(used, action).toContain(action);
      }
    }
  });

  it("a refinement is never granted more widely than the action it refines", () => {
    for (const [action, refined] of Object.entries(refinements) as [Action, Action][]) {
      for (const role of roles) if (isAllowed(action, role)) expect(isAllowed(refined, role), `${role}: ${action}`).toBe(true);
    }
  });

  const guarded = procedures.filter((p): p is ProcedureInfo & { action: Action } => !!p.action && !isPublic(p.action));

  describe.each(roles)("role %s", (role) => {
    const denied = guarded.filter((p) => !isAllowed(p.action, role));
    const allowed = guarded.filter((p) => isAllowed(p.action, role));
    const signedIn = async (path: string) => {
      const user = await temp.db.user.create({ data: { username: `${role}-${path}-${Math.random().toString(36).slice(2)}`, passwordHash: "x", role } });
      return { user, ctx: userContext(temp.db, { id: user.id, name: user.username, role }) };
    };

    it.each(allowed)("passes the check for $path ($action)", async ({ path }) => {
      const { ctx } = await signedIn(path);
      // Past the check a call may still fail (no input, no engine here); it must not be a refusal.
      const error = await call(ctx, path).then(() => undefined, (err: unknown) => err as TRPCError);
      expect(["FORBIDDEN", "UNAUTHORIZED"]).not.toContain(error?.code);
      expect(await temp.db.auditEvent.count({ where: { requestId: ctx.request.requestId, outcome: "denied" } })).toBe(0);
    });

    it.skipIf(denied.length === 0).each(denied)("is refused $path ($action) and the refusal is audited", async ({ path, action }) => {
      const { user, ctx } = await signedIn(path);

      const error = await refusal(ctx, path);
      expect(error.code).toBe("FORBIDDEN");
      expect(error.message).toContain(action);

      const rows = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
      expect(rows).toEqual([
        expect.objectContaining({ action, outcome: "denied", actorId: user.id, actorName: user.username, actorRole: role, sourceIp: "192.0.2.7", userAgent: "vitest" }),
      ]);
    });
  });

  describe("over HTTP, with a viewer's session cookie", () => {
    const refusedToViewer = guarded.filter((p) => !isAllowed(p.action, "viewer"));

    it.each(refusedToViewer)("answers $path ($action) FORBIDDEN, audited as denied", async ({ path, action, type }) => {
      const user = await temp.db.user.create({ data: { username: `http-${path}-${Math.random().toString(36).slice(2)}`, passwordHash: "x", role: "viewer" } });
      const session = await openSession(temp.db, user.id, { sourceIp: null, userAgent: "vitest-http" });
      const res = await overHttp(path, type, `${SESSION_COOKIE}=${session.token}`);
      const error = type === "subscription" ? await sseError(res) : await jsonError(res);
      expect(error.data.code).toBe("FORBIDDEN");
      expect(error.message).toContain(action);
      const rows = await temp.db.auditEvent.findMany({ where: { requestId: error.data.requestId } });
      expect(rows).toEqual([expect.objectContaining({ action, outcome: "denied", actorId: user.id, actorRole: "viewer", userAgent: "vitest-http" })]);
    });
  });

  it.each(guarded)("refuses $path to a caller who is not signed in, audited as anonymous", async ({ path, action }) => {
    const ctx = anonymousContext(temp.db);
    const error = await refusal(ctx, path);
    expect(error.code).toBe("UNAUTHORIZED");
    const rows = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(rows).toEqual([expect.objectContaining({ action, outcome: "denied", actorId: null, actorName: "anonymous" })]);
  });
});
