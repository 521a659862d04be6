/**
 * Audits what clients of hakod's socket do directly (the docker CLI, scripts, CI): follows the engine's event stream
 * and records each action event (./event-actions.ts) with the actor `engine-socket`. Started by `hako up`, beside the
 * tag watcher, and built the same way: it resumes after the last event it handled, kept in EngineCursor, so what
 * happened while the console was down is recorded at its next start.
 *
 * Exactly once: an event's audit row and the cursor moving past it commit in one transaction (recordAudit's
 * `inTransaction`), so a crash between the two can neither repeat the row nor skip the event.
 *
 * The console's own actions: the console audits them itself (one row per request, with its request ID), and hakod
 * marks the events they cause with the request's secret origin token (./console-origin.ts). The watcher skips an event
 * so marked once the console's row of the request the token was issued for exists and the event fits it
 * (./console-match.ts: not refused, same object, in time). The row is written when the request ends, which can be
 * after the event (a stop waits out its timeout, a push ends with its last layer): the watcher waits for it up to
 * CONSOLE_ROW_WAIT_MS past the event, holding back the events after it meanwhile (they are recorded late, never lost).
 * An event whose mark this console process did not issue (a client of the socket forged or copied the header, or the
 * console restarted since), or that does not fit the request, is recorded as the socket's, saying so.
 *
 * A mark follows what the request set going: the `die` of a container the console started (and a restart by its
 * policy) carries the start's mark and is not recorded; the `die` of one started on the socket is, with its exit code.
 */
import { recordAudit } from "../../audit/record";
import type { Db, Prisma } from "../../db";
import type { Engine } from "../../engine/client";
import { engineEvents, type EngineEvent } from "../engine/engine-events";
import { ENGINE_ACTOR } from "../images/tag-history";
import { CONSOLE_REQUEST_ATTRIBUTE, issuedOrigin } from "./console-origin";
import { mismatch, type ConsoleRow } from "./console-match";
import { eventAudit } from "./event-actions";

export const CURSOR_NAME = "engine-audit";
/** Long enough for the console's slowest requests (a push of a large image) to finish and write their row. */
export const CONSOLE_ROW_WAIT_MS = 10 * 60_000;
/** How far before an event the console's row may be (a terminal's start row precedes its exec's events). */
const CONSOLE_ROW_LOOKBACK_MS = 24 * 3600_000;
const POLL_MS = 250;
const RETRY_MS = 3000;

export { ENGINE_ACTOR };

type Tx = Db | Prisma.TransactionClient;

function saveCursor(tx: Tx, cursor: string) {
  return tx.engineCursor.upsert({ where: { name: CURSOR_NAME }, create: { name: CURSOR_NAME, cursor }, update: { cursor } });
}

/** The console's rows of the request `requestId` (searched by time first: AuditEvent.time is indexed). */
function consoleRows(db: Db, requestId: string, eventTime: number): Promise<(ConsoleRow & { time: Date })[]> {
  return db.auditEvent.findMany({
    where: { time: { gte: new Date(eventTime - CONSOLE_ROW_LOOKBACK_MS) }, requestId, actorName: { not: ENGINE_ACTOR } },
    select: { outcome: true, targetId: true, targetName: true, time: true },
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms).unref(); // never what keeps the process alive
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/**
 * Why a marked event is recorded after all, or null when it is the console's own and skipped. Decided once a row of
 * the request fits the event, or once the request has ended and its last row is written (the audit middleware
 * writes it right after; a client may reuse a request ID, so an earlier request's rows alone decide nothing), or
 * CONSOLE_ROW_WAIT_MS past the event.
 */
async function markMismatch(db: Db, event: EngineEvent, token: string, signal: AbortSignal, waitMs: number): Promise<string | null> {
  const origin = issuedOrigin(token);
  if (!origin) return "which this console did not issue (forged, copied, or from before a restart of the console)";
  const eventTime = new Date(event.time).getTime();
  for (;;) {
    const rows = await consoleRows(db, origin.requestId, eventTime);
    const why = rows.length === 0 ? "which the console never recorded" : mismatch(event, origin, rows);
    const settled = origin.endedAt !== null && rows.some((row) => row.time.getTime() >= origin.endedAt!);
    if (why === null || settled || Date.now() >= eventTime + waitMs || signal.aborted) return why && `of request ${origin.requestId}, ${why}`;
    await sleep(POLL_MS, signal);
  }
}

export type EventOutcome = "recorded" | "console" | "ignored";

/** Handles one event: records it, or skips it as the console's own or as no action; the cursor moves past it. */
export async function handleEngineEvent(db: Db, event: EngineEvent, signal: AbortSignal, waitMs = CONSOLE_ROW_WAIT_MS): Promise<EventOutcome> {
  const audit = eventAudit(event);
  if (!audit) {
    await saveCursor(db, event.cursor);
    return "ignored";
  }
  const token = event.attributes[CONSOLE_REQUEST_ATTRIBUTE];
  const eventTime = new Date(event.time).getTime();
  const why = token ? await markMismatch(db, event, token, signal, waitMs) : null;
  if (token && why === null) {
    await saveCursor(db, event.cursor);
    return "console";
  }
  if (signal.aborted) throw new Error("stopped"); // undecided: left for the next start
  await recordAudit(
    db,
    {
      actor: { id: null, name: ENGINE_ACTOR, role: null },
      ...audit,
      // The token itself is not written: it is the console's secret, and says nothing to a reader of the log.
      message: why ? `${audit.message ? `${audit.message}; ` : ""}marked as a console request ${why}` : audit.message,
      outcome: "ok",
      time: new Date(eventTime),
      source: { sourceIp: null, userAgent: null, requestId: null },
    },
    { inTransaction: (tx) => saveCursor(tx, event.cursor) },
  );
  return "recorded";
}

/** Runs until `signal` aborts, reconnecting after a lost stream; failures are logged, never thrown. */
export async function watchEngineAudit(db: Db, target: Engine, signal: AbortSignal, log: (message: string) => void = console.error): Promise<void> {
  while (!signal.aborted) {
    try {
      // First start: from now (the engine's journal may reach back further, but before this console there was no log).
      const saved = (await db.engineCursor.findUnique({ where: { name: CURSOR_NAME } }))?.cursor;
      const after = saved ?? `${BigInt(Date.now()) * 1_000_000n}`;
      if (!saved) await saveCursor(db, after);
      for await (const event of engineEvents(target, after, signal)) await handleEngineEvent(db, event, signal);
    } catch (err) {
      if (signal.aborted) return;
      log(`audit of the engine socket: engine events: ${(err as Error).message}; retrying`);
    }
    await sleep(RETRY_MS, signal);
  }
}

/** Starts the watcher in the background; the returned function stops it. */
export function startEngineAuditWatcher(db: Db, target: Engine): () => void {
  const controller = new AbortController();
  void watchEngineAudit(db, target, controller.signal);
  return () => controller.abort();
}
