/**
 * The console's tRPC setup, in three parts:
 *
 * 1. CONTEXT — what every procedure sees: the database, the signed-in principal (resolved from the session cookie on
 *    every request), and the request's source IP, user agent and request id (for the audit log).
 * 2. INITIALISATION — superjson, and an error formatter that exposes zod errors and the request id.
 * 3. PROCEDURES — `procedure(action)` is the only way to make one. It names the action from the permission matrix
 *    (auth/permissions.ts), runs the one authorisation check, and for mutations the one audit path. Public procedures
 *    are those whose action the matrix marks "public".
 */
import { initTRPC, TRPCError, type TRPC_ERROR_CODE_KEY } from "@trpc/server";
import superjson from "superjson";
import { z, ZodError } from "zod";
import { recordAudit, type AuditActor, type AuditOutcome, type AuditTarget } from "./audit/record";
import { resolveCredential } from "./auth/credential";
import { deniedMessage, isAllowed, permissions, SESSION_ONLY_MESSAGE, sessionOnly, type Action } from "./auth/permissions";
import type { Principal } from "./auth/principal";
import type { PendingSession } from "./auth/sessions";
import { openDatabase, type Db } from "./db";
import { requestInfoFromHeaders, type HeaderReader, type RequestInfo } from "./http/request-info";
import { headerCookies, memoryCookies, type ResponseCookies } from "./http/response-cookies";
import { summariseZodError } from "./http/zod-summary";
import { ServiceError, type ServiceErrorKind } from "./services/errors";
import { asConsoleRequest } from "./services/engine-audit/console-origin";
import { allowedAnywhere } from "./services/teams/standing";

/* ------------------------------------------------------------------------------------------------------------------
 * 1. CONTEXT
 * ---------------------------------------------------------------------------------------------------------------- */

export interface Context {
  db: Db;
  /** null when nobody is signed in (no cookie, or an unknown, expired or disabled session) */
  principal: Principal | null;
  sessionId: string | null;
  /** a sign-in that still owes a step (two-factor code, new password); such a caller has no principal */
  pending?: PendingSession | null;
  /** set when the request was authenticated by a personal API token (Bearer) rather than a session cookie */
  apiTokenId?: string | null;
  request: RequestInfo;
  cookies: ResponseCookies;
}

/** Context for an HTTP request (the route handler) or a server component; `resHeaders` carries Set-Cookie back. */
export async function createContextFromHeaders(opts: { headers: HeaderReader; resHeaders?: Headers; url?: string }): Promise<Context> {
  const db = await openDatabase(); // the process's one client, opened (and migrated) on first use
  const request = requestInfoFromHeaders(opts.headers, opts.url);
  const credential = await resolveCredential(db, opts.headers); // a Bearer token, else the session cookie
  return {
    db,
    ...credential,
    request,
    cookies: opts.resHeaders ? headerCookies(opts.resHeaders, request.secure) : memoryCookies(),
  };
}

/* ------------------------------------------------------------------------------------------------------------------
 * 2. INITIALISATION
 * ---------------------------------------------------------------------------------------------------------------- */

interface Meta {
  action: Action;
}

const t = initTRPC
  .context<Context>()
  .meta<Meta>()
  .create({
    transformer: superjson,
    // Live views (logs, stats, events) are SSE streams; pings keep proxies from closing a quiet one, and a client
    // that hears nothing for a while reconnects (resuming where it left off where the stream is tracked).
    sse: { ping: { enabled: true, intervalMs: 10_000 }, client: { reconnectAfterInactivityMs: 25_000 } },
    errorFormatter({ shape, error, ctx }) {
      // Unexpected errors may carry internals (SQL, paths); the server log has them, the client gets the request id.
      const message =
        error.cause instanceof ZodError
          ? summariseZodError(error.cause)
          : error.code === "INTERNAL_SERVER_ERROR" && process.env.NODE_ENV === "production"
            ? `Internal error (request ${ctx?.request.requestId ?? "unknown"}); see the console's log.`
            : shape.message;
      return {
        ...shape,
        message,
        data: {
          ...shape.data,
          requestId: ctx?.request.requestId ?? null,
          zodError: error.cause instanceof ZodError ? z.flattenError(error.cause) : null,
        },
      };
    },
  });

export const createTRPCRouter = t.router;
export const createCallerFactory = t.createCallerFactory;

/* ------------------------------------------------------------------------------------------------------------------
 * 3. PROCEDURES
 * ---------------------------------------------------------------------------------------------------------------- */

/** What a mutation's handler adds to its audit row: the target it acted on, and the actor when that is only known
 *  inside the handler (sign-in). Queries get a note too, but only denied queries are audited. */
export interface AuditNote {
  target?: AuditTarget;
  actor?: AuditActor;
  /** the team that owns the target (its `hako.team` label), when it has one */
  team?: string | null;
  /** a more specific name for this row than the procedure's action (auth.signin → auth.signin.failed) */
  action?: string;
}

const errorCodes: Record<ServiceErrorKind, TRPC_ERROR_CODE_KEY> = {
  InvalidArgument: "BAD_REQUEST",
  Unauthenticated: "UNAUTHORIZED",
  PermissionDenied: "FORBIDDEN",
  NotFound: "NOT_FOUND",
  Conflict: "CONFLICT",
  Unavailable: "SERVICE_UNAVAILABLE",
  Unsupported: "NOT_IMPLEMENTED",
  ResourceExhausted: "TOO_MANY_REQUESTS",
};

function actorOf(principal: Principal | null): AuditActor | null {
  return principal && { id: principal.id, name: principal.name, role: principal.role };
}

function outcomeOf(error: TRPCError): AuditOutcome {
  return error.code === "FORBIDDEN" || error.code === "UNAUTHORIZED" || error.code === "TOO_MANY_REQUESTS" ? "denied" : "error";
}

function auditMessageOf(error: TRPCError): string {
  if (error.cause instanceof ZodError) return summariseZodError(error.cause);
  const detail = error.cause instanceof ServiceError ? error.cause.detail : undefined;
  return detail ? `${error.message} (${detail})` : error.message;
}

/**
 * What a call refused before its handler ran was aimed at, as its input names it (`{ id }`: a container's ID or
 * name, …), so that an auditor filtering by target finds the attempts too. Unverified: the name as sent.
 */
function attemptedTarget(action: Action, params: unknown): AuditTarget | undefined {
  const id = typeof params === "object" && params !== null ? (params as { id?: unknown }).id : undefined;
  return typeof id === "string" && id ? { kind: action.slice(0, action.indexOf(".")), name: id.slice(0, 256) } : undefined;
}

async function rawInputOf(getRawInput: () => Promise<unknown>): Promise<unknown> {
  return getRawInput().catch(() => undefined); // an unreadable body is audited without params
}

/** The one authorisation check. Refusals are audited here, queries included, then answered 401/403. */
const authorize = t.middleware(async ({ ctx, meta, path, getRawInput, next }) => {
  if (!meta) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: `${path} declares no permission` });
  const { principal } = ctx;
  const tokenRefused = Boolean(ctx.apiTokenId) && sessionOnly.has(meta.action);
  // The global role, or failing that a team role (./services/teams/standing.ts); the team of the resource itself is
  // checked by the procedure once it knows the resource (./auth/team-scope.ts).
  if (principal && !tokenRefused && (isAllowed(meta.action, principal.role) || (await allowedAnywhere(ctx.db, principal, meta.action)))) {
    return next({ ctx: { principal } });
  }

  const code = principal ? "FORBIDDEN" : "UNAUTHORIZED";
  const message = !principal ? "Sign in to continue." : tokenRefused ? SESSION_ONLY_MESSAGE : deniedMessage(meta.action, principal.role);
  const params = await rawInputOf(getRawInput);
  await recordAudit(ctx.db, {
    actor: actorOf(principal),
    action: meta.action,
    target: attemptedTarget(meta.action, params),
    params,
    outcome: "denied",
    message,
    source: ctx.request,
  });
  throw new TRPCError({ code, message });
});

/** The one audit path for mutations: one row per call, whatever its outcome. */
const audit = t.middleware(async ({ ctx, meta, type, getRawInput, next }) => {
  const note: AuditNote = {};
  // Engine calls made meanwhile carry a secret token of this request, so the engine-socket watcher knows them for the console's own.
  const result = await asConsoleRequest(ctx.request.requestId, () => next({ ctx: { audit: note } }));
  // Queries and subscriptions are audited when refused inside the handler (a resource outside the caller's teams).
  const refused = !result.ok && result.error.code === "FORBIDDEN";
  if ((type !== "mutation" && !refused) || !meta) return result;
  await recordAudit(ctx.db, {
    actor: note.actor ?? actorOf(ctx.principal),
    action: note.action ?? meta.action,
    target: note.target,
    team: note.team,
    params: await rawInputOf(getRawInput),
    outcome: result.ok ? "ok" : outcomeOf(result.error),
    message: result.ok ? null : auditMessageOf(result.error),
    source: ctx.request,
  });
  return result;
});

/** A ServiceError as the tRPC error it becomes at the edge; other errors unchanged. Route handlers use it too. */
export function translated(error: unknown): unknown {
  if (error instanceof ServiceError) return new TRPCError({ code: errorCodes[error.kind], message: error.message, cause: error });
  return error;
}

/** A subscription's stream fails after its procedure returned: its errors are translated as they come. */
async function* translatedStream<T>(stream: AsyncIterable<T>): AsyncGenerator<T> {
  try {
    yield* stream;
  } catch (err) {
    throw translated(err);
  }
}

function isAsyncIterable(value: unknown): value is AsyncIterable<unknown> {
  return typeof value === "object" && value !== null && Symbol.asyncIterator in value;
}

/** Services raise ServiceError; this is the edge where it becomes a tRPC code. */
const translateErrors = t.middleware(async ({ next }) => {
  const result = await next();
  if (result.ok) return isAsyncIterable(result.data) ? { ...result, data: translatedStream(result.data) } : result;
  if (result.error.cause instanceof ServiceError) throw translated(result.error.cause);
  return result;
});

const publicBuilder = t.procedure.use(audit).use(translateErrors);
const authedBuilder = t.procedure.use(authorize).use(audit).use(translateErrors);

type PublicAction = { [A in Action]: (typeof permissions)[A] extends "public" ? A : never }[Action];
type ProcedureFor<A extends Action> = A extends PublicAction ? typeof publicBuilder : typeof authedBuilder;

/**
 * Starts a procedure that performs `action`. For non-public actions the handler's `ctx.principal` is non-null and
 * allowed by the matrix; every mutation is audited with `ctx.audit`'s target.
 */
export function procedure<A extends Action>(action: A): ProcedureFor<A> {
  const builder = permissions[action] === "public" ? publicBuilder : authedBuilder;
  return builder.meta({ action }) as ProcedureFor<A>;
}
