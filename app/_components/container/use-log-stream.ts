"use client";
/**
 * The Logs tab's data: the container's log as a live SSE subscription (`containers.logs`), kept as at most MAX_LINES
 * parsed lines. When the stream ends while the container runs (a dropped connection, or an engine that does not
 * follow), it resumes after the last line it has; when the container starts again, it picks up the new lines.
 */
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useEffect, useRef, useState } from "react";
import type { LogLine } from "@/server/services/containers/log-lines";
import { parseAnsi, type AnsiSegment } from "../../_lib/ansi";
import { useTRPC } from "../../_trpc/client";

export const MAX_LINES = 5000;
const INITIAL_TAIL = 1000;
const RESUME_DELAY_MS = 1000;

export interface ShownLine extends LogLine {
  seq: number;
  segments: AnsiSegment[];
  plain: string;
}

export type StreamState = "connecting" | "live" | "reconnecting" | "ended" | "error";

export function useLogStream(id: string, running: boolean, startedAt: string | null) {
  const trpc = useTRPC();
  const [lines, setLines] = useState<ShownLine[]>([]);
  const [received, setReceived] = useState(0);
  const [after, setAfter] = useState<string | undefined>(undefined);
  const cursor = useRef<string | undefined>(undefined);
  const seq = useRef(0);

  const onData = useCallback((event: { id: string; data: { lines: LogLine[]; cursor: string | null } }) => {
    if (event.data.cursor) cursor.current = event.data.cursor;
    const added = event.data.lines.map((line) => {
      const segments = parseAnsi(line.text);
      return { ...line, seq: seq.current++, segments, plain: segments.map((s) => s.text).join("") };
    });
    setReceived((n) => n + added.length);
    setLines((previous) => previous.concat(added).slice(-MAX_LINES));
  }, []);

  const subscription = useSubscription(
    trpc.containers.logs.subscriptionOptions({ id, tail: INITIAL_TAIL, ...(after ? { after } : {}) }, { onData }),
  );
  const { reset } = subscription;
  /** Subscribes again from the last line held (a changed input re-subscribes by itself). */
  const resume = useCallback(() => {
    if (cursor.current !== after) setAfter(cursor.current);
    else reset();
  }, [after, reset]);

  const ended = subscription.status === "idle";
  useEffect(() => {
    if (!ended || !running) return;
    const timer = setTimeout(resume, RESUME_DELAY_MS);
    return () => clearTimeout(timer);
  }, [ended, running, resume]);

  // A restart (new StartedAt) brings new lines after the stream of the previous run ended.
  const lastStart = useRef(startedAt);
  useEffect(() => {
    if (startedAt === lastStart.current) return;
    lastStart.current = startedAt;
    if (ended) resume();
  }, [startedAt, ended, resume]);

  const state: StreamState =
    subscription.status === "error" ? "error"
    : subscription.status === "pending" ? "live"
    : subscription.status === "idle" ? (running ? "reconnecting" : "ended")
    : subscription.error ? "reconnecting" : "connecting";

  return { lines, dropped: received - lines.length, state, error: subscription.error?.message ?? null, retry: resume };
}
