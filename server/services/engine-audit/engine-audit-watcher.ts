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
 * marks the events they cause with that ID (./console-origin.ts). The watcher skips an event so marked once the
 * console's row with that request ID exists. The row is written when the request ends, which can be after the event
 * (a stop waits out its timeout, a push ends with its last layer): the watcher waits for it up to CONSOLE_ROW_WAIT_MS
 * past the event, holding back the events after it meanwhile (they are recorded late, never lost). An event whose
 * mark names no request the console recorded (the console died mid-request, or a client of the socket forged the
 * header) is recorded as the socket's, saying so.
 *
 * A mark follows what the request set going: the `die` of a container the console started (and a restart by its
 * policy) carries the start's mark and is not recorded; the `die` of one started on the socket is, with its exit code.
 */
import { recordAudit } from "../../audit/record";
import type { Db, Prisma } from "../../db";
import type { Engine } from "../../engine/client";
import { engineEvents, type EngineEvent } from "../engine/engine-events";
import { ENGINE_ACTOR } from "../images/tag-history";
import { CONSOLE_REQUEST_ATTRIBUTE } from "./console-origin";
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

/** Whether the console recorded the request `requestId` (searched by time first: AuditEvent.time is indexed). */
async function consoleRecorded(db: Db, requestId: string, eventTime: number): Promise<boolean> {
  const row = await db.auditEvent.findFirst({
    where: { time: { gte: new Date(eventTime - CONSOLE_ROW_LOOKBACK_MS) }, requestId, actorName: { not: ENGINE_ACTOR } },
    select: { seq: true },
  });
  return row !== null;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms).unref(); // never what keeps the process alive
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** Waits (up to CONSOLE_ROW_WAIT_MS past the event) for the console's row of the request that marked the event. */
async function awaitConsoleRow(db: Db, requestId: string, eventTime: number, signal: AbortSignal, waitMs: number): Promise<boolean> {
  for (;;) {
    if (await consoleRecorded(db, requestId, eventTime)) return true;
    if (Date.now() >= eventTime + waitMs || signal.aborted) return false;
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
  const origin = event.attributes[CONSOLE_REQUEST_ATTRIBUTE];
  const eventTime = new Date(event.time).getTime();
  if (origin && (await awaitConsoleRow(db, origin, eventTime, signal, waitMs))) {
    await saveCursor(db, event.cursor);
    return "console";
  }
  if (signal.aborted) throw new Error("stopped"); // undecided: left for the next start
  await recordAudit(
    db,
    {
      actor: { id: null, name: ENGINE_ACTOR, role: null },
      ...audit,
      message: origin ? `${audit.message ? `${audit.message}; ` : ""}marked as console request ${origin}, which the console never recorded` : audit.message,
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
