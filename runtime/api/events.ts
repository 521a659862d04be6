/**
 * GET /events: engine events as a stream of JSON objects, one per line (Docker's events.Message).
 *
 * With `since` and/or `until` the past events in that window come first (from the bus's history, which reaches back
 * over restarts); then, unless `until` has passed already, live events until `until` (or until the client goes
 * away). The subscription starts before the history is read and the history stops at the newest event at that
 * moment, so no event is sent twice or lost at the join.
 */
import { invalidArgument } from "../errors.js";
import type { EngineEvent } from "../events/events.js";
import { eventFilter } from "../events/filter.js";
import { parseFilters, type Ctx } from "./http.js";
import { parseTimestampNs, wallClockNs } from "./time-params.js";

export async function getEvents(ctx: Ctx): Promise<void> {
  const { res, engine } = ctx;
  const now = wallClockNs();
  const sinceNs = parseTimestampNs(ctx.query.get("since"), "since", now);
  const untilNs = parseTimestampNs(ctx.query.get("until"), "until", now);
  if (untilNs > 0n && untilNs < sinceNs) throw invalidArgument("`since` time cannot be after `until` time");
  const include = eventFilter(parseFilters(ctx.query));
  const bus = engine.events;

  let replaying = true;
  const held: EngineEvent[] = [];
  const send = (e: EngineEvent): void => {
    if (!res.writableEnded && !res.destroyed && include(e)) res.write(`${e.json}\n`);
  };
  let finish: () => void = () => undefined;
  const finished = new Promise<void>((resolve) => (finish = resolve));
  const unsubscribe = bus.subscribe((e) => {
    if (untilNs > 0n && e.timeNs > untilNs) return finish();
    if (replaying) held.push(e);
    else send(e);
  });
  const cutoff = bus.lastTimeNs;
  let timer: NodeJS.Timeout | undefined;
  try {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.flushHeaders();
    if (sinceNs > 0n || untilNs > 0n) {
      const until = untilNs > 0n && untilNs < cutoff ? untilNs : cutoff;
      for (const e of await bus.history(sinceNs, until)) send(e);
    }
    replaying = false;
    for (const e of held) send(e);
    if (untilNs > 0n && untilNs <= wallClockNs()) return;
    res.on("close", finish);
    if (untilNs > 0n) {
      const ms = Number((untilNs - wallClockNs()) / 1_000_000n);
      if (ms < 2 ** 31) timer = setTimeout(finish, Math.max(0, ms));
    }
    await finished;
  } finally {
    clearTimeout(timer);
    unsubscribe();
    res.end();
  }
}
