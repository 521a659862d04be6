/**
 * The attach relay: a running task's output to the container's attach sinks.
 *
 * - A sink whose connection the executor can write to itself (a hijacked `docker attach`, AttachSink.handOff) is
 *   handed off: the output goes from the shim to the client without passing through hakod at all.
 * - The others are relayed: hakod subscribes to the task's output only while there is at least one of them, so that
 *   a container nobody is attached to costs hakod nothing (the shim writes its log on its own). A congested sink (a
 *   client reading slower than the container writes) pauses the task's output until it drains: nothing piles up in
 *   hakod, and the container blocks, as under Docker. (A handed-off client holds the container up the same way,
 *   in the shim.)
 *
 * Call `syncAttachRelay` after every change of `live.task` or `live.sinks`.
 */
import type { Task } from "../oci/executor.js";
import type { AttachSink, Live } from "./live.js";

export interface AttachRelay {
  readonly task: Task;
  /** forgets congested sinks that are no longer relayed (they will never drain) */
  prune(): void;
  stop(): void;
}

/** sinks the executor could not take: relayed from then on */
const refused = new WeakSet<AttachSink>();

export function syncAttachRelay(live: Live): void {
  const task = live.task;
  for (const [sink, h] of live.handedOff) {
    if (h.task === task && live.sinks.has(sink)) continue;
    if (h.task === task) task?.takeBack?.(h.id);
    live.handedOff.delete(sink);
  }
  if (task) handOffSinks(live, task);
  const relayed = [...live.sinks].some((s) => !live.handedOff.has(s));
  if (live.relay && (live.relay.task !== task || !relayed)) {
    live.relay.stop();
    live.relay = null;
  }
  if (live.relay) live.relay.prune();
  else if (task && relayed) live.relay = startRelay(live, task);
}

function handOffSinks(live: Live, task: Task): void {
  if (!task.handOff) return;
  for (const sink of live.sinks) {
    if (live.handedOff.has(sink) || refused.has(sink)) continue;
    const conn = sink.handOff?.();
    if (!conn) continue;
    live.handedOff.set(sink, { task, id: conn.id });
    task.handOff(conn, (taken) => {
      if (taken) return;
      // runs before any later output is delivered: relaying from here on loses nothing
      refused.add(sink);
      if (live.handedOff.get(sink)?.task === task) live.handedOff.delete(sink);
      syncAttachRelay(live);
    });
  }
}

function startRelay(live: Live, task: Task): AttachRelay {
  const congested = new Set<AttachSink>();
  let stopped = false;
  const release = (sink: AttachSink): void => {
    if (congested.delete(sink) && congested.size === 0 && !stopped) task.resumeOutput();
  };
  const unsubscribe = task.onOutput((stream, data) => {
    for (const sink of live.sinks) {
      if (!(stream === 1 ? sink.stdout : sink.stderr) || live.handedOff.has(sink)) continue;
      if (sink.write(stream, data) !== false || !sink.onDrain || congested.has(sink)) continue;
      congested.add(sink);
      if (congested.size === 1) task.pauseOutput();
      sink.onDrain(() => release(sink));
    }
  });
  return {
    task,
    prune: () => {
      for (const sink of congested) if (!live.sinks.has(sink) || live.handedOff.has(sink)) release(sink);
    },
    stop: () => {
      stopped = true;
      unsubscribe();
      if (congested.size > 0) task.resumeOutput();
      congested.clear();
    },
  };
}
