"use client";
/** The engine's events, newest first: the last hour on arrival, then live (`engine.events`, an SSE subscription). */
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useCallback, useState } from "react";
import type { EngineEvent } from "@/server/services/engine/engine-events";
import { useTRPC } from "../_trpc/client";
import { TimeAgo } from "./time-ago";

const KEEP = 50;

/** Cursors are nanosecond counts in decimal: compared as numbers, not as text. */
function newestFirst(a: EngineEvent, b: EngineEvent): number {
  const d = BigInt(b.cursor) - BigInt(a.cursor);
  return d > 0n ? 1 : d < 0n ? -1 : 0;
}

export function EventsFeed() {
  const trpc = useTRPC();
  const [events, setEvents] = useState<EngineEvent[]>([]);
  const onData = useCallback((event: { id: string; data: EngineEvent }) => {
    const added = event.data;
    setEvents((all) => {
      if (all.some((e) => e.cursor === added.cursor && e.actorId === added.actorId && e.action === added.action)) return all;
      return [added, ...all].sort(newestFirst).slice(0, KEEP);
    });
  }, []);
  const subscription = useSubscription(trpc.engine.events.subscriptionOptions(undefined, { onData }));

  return (
    <section aria-labelledby="events-title">
      <h2 id="events-title" className="mb-2 flex items-center gap-3 text-sm font-semibold">
        Recent events
        <span role="status" className="text-xs font-normal text-zinc-500">
          {subscription.status === "pending" ? "live" : subscription.status === "error" ? "stopped" : "connecting…"}
        </span>
      </h2>
      {subscription.error && (
        <p role="alert" className="mb-2 text-sm text-red-700 dark:text-red-400">Events unavailable: {subscription.error.message}</p>
      )}
      {events.length === 0 ? (
        <p className="text-sm text-zinc-500">No events in the last hour. Starting, stopping or removing a container shows up here.</p>
      ) : (
        <ol aria-label="Events" className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {events.map((event) => (
            <li key={`${event.cursor}-${event.actorId}-${event.action}`} className="flex items-center gap-3 px-4 py-2">
              <span className="w-28 shrink-0 text-zinc-500"><TimeAgo time={new Date(event.time)} /></span>
              <span className="w-20 shrink-0 text-zinc-500">{event.type}</span>
              <span className="w-36 shrink-0 font-medium">{event.action}</span>
              {event.type === "container" && event.actorId ? (
                <Link href={`/containers/${encodeURIComponent(event.actorId)}`} className="truncate font-mono text-xs hover:underline">{event.actorName}</Link>
              ) : (
                <span className="truncate font-mono text-xs">{event.actorName}</span>
              )}
              {event.attributes.exitCode !== undefined && <span className="text-xs tabular-nums text-zinc-500">exit code {event.attributes.exitCode}</span>}
            </li>
          ))}
        </ol>
      )}
    </section>
  );
}
