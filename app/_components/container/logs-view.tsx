"use client";
/**
 * The Logs tab: the container's log, live. It follows new lines until the reader scrolls up (then it holds still and
 * counts what arrived below), searches with highlighting, shows timestamps on request, marks stderr, renders ANSI
 * colours as styles, and downloads the whole log for those allowed to.
 */
import { useLayoutEffect, useMemo, useRef, useState } from "react";
import { matchRanges } from "../../_lib/highlight";
import { AnsiText } from "./ansi-text";
import { LogDownload } from "./log-download";
import { MAX_LINES, useLogStream, type StreamState } from "./use-log-stream";

const BOTTOM_SLACK_PX = 24;

const stateText: Record<StreamState, string> = {
  connecting: "Connecting…",
  live: "Live",
  reconnecting: "Reconnecting…",
  ended: "Stream ended: the container is not running.",
  error: "Stopped",
};

export function LogsView({ id, name, team = null, running, startedAt }: { id: string; name: string; team?: string | null; running: boolean; startedAt: string | null }) {
  const { lines, dropped, state, error, retry } = useLogStream(id, running, startedAt);
  const [query, setQuery] = useState("");
  const [onlyMatches, setOnlyMatches] = useState(false);
  const [timestamps, setTimestamps] = useState(false);
  const [following, setFollowing] = useState(true);
  const [seenCount, setSeenCount] = useState(0);
  const pane = useRef<HTMLDivElement>(null);

  const matching = useMemo(() => (query ? lines.filter((l) => matchRanges(l.plain, query).length > 0) : lines), [lines, query]);
  const shown = onlyMatches ? matching : lines;
  const lastSeq = lines.at(-1)?.seq ?? 0;
  const unseen = following ? 0 : Math.max(0, lastSeq - seenCount);

  useLayoutEffect(() => {
    const el = pane.current;
    if (el && following) el.scrollTop = el.scrollHeight;
  }, [shown, following, timestamps]);

  function onScroll() {
    const el = pane.current;
    if (!el) return;
    const atBottom = el.scrollHeight - el.scrollTop - el.clientHeight <= BOTTOM_SLACK_PX;
    if (atBottom !== following) {
      setFollowing(atBottom);
      if (!atBottom) setSeenCount(lastSeq);
    }
  }

  return (
    <div className="flex flex-col gap-2">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <label className="flex items-center gap-2">
          <span className="sr-only">Search the log</span>
          <input
            type="search"
            placeholder="Search"
            aria-label="Search the log"
            value={query}
            onChange={(e) => setQuery(e.target.value)}
            className="w-56 rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900"
          />
        </label>
        {query && <span className="tabular-nums text-zinc-500" aria-live="polite">{matching.length} matching lines</span>}
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={onlyMatches} onChange={(e) => setOnlyMatches(e.target.checked)} /> Only matching
        </label>
        <label className="flex items-center gap-1">
          <input type="checkbox" checked={timestamps} onChange={(e) => setTimestamps(e.target.checked)} /> Timestamps
        </label>
        <span className="ml-auto flex items-center gap-3">
          <span role="status" aria-label="Log stream" className={state === "live" ? "text-emerald-700 dark:text-emerald-400" : "text-zinc-500"}>
            {stateText[state]}
          </span>
          <LogDownload id={id} name={name} team={team} timestamps={timestamps} />
        </span>
      </div>
      {error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {state === "reconnecting" || state === "connecting" ? "Connection lost; retrying: " : "The log could not be read: "}
          {error}{" "}
          {state === "error" && <button type="button" onClick={retry} className="underline">Try again</button>}
        </p>
      )}
      <div className="relative">
        <div
          ref={pane}
          onScroll={onScroll}
          role="log"
          aria-label={`Log of ${name}`}
          className="h-[60vh] overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-300"
        >
          {dropped > 0 && <p className="text-zinc-500">… {dropped} earlier lines not kept here (the view holds {MAX_LINES}); download the log for all of it.</p>}
          {shown.length === 0 && <p className="text-zinc-500">{state === "live" || state === "ended" ? "No log lines yet." : "Waiting for the log…"}</p>}
          {shown.map((line) => (
            <div
              key={line.seq}
              data-stream={line.stream}
              className={`whitespace-pre-wrap break-all border-l-2 pl-2 ${line.stream === "stderr" ? "border-red-500 bg-red-950/30" : "border-transparent"}`}
            >
              {line.stream === "stderr" && <span className="sr-only">stderr: </span>}
              {timestamps && line.time && <span className="mr-2 select-none text-zinc-500" title={line.time}>{line.time.replace("T", " ").slice(0, 23)}</span>}
              <AnsiText segments={line.segments} query={query} />
            </div>
          ))}
        </div>
        {!following && (
          <button
            type="button"
            onClick={() => setFollowing(true)}
            className="absolute bottom-3 right-5 rounded-full bg-sky-600 px-3 py-1 text-xs font-medium text-white shadow hover:bg-sky-500"
          >
            Paused · {unseen > 0 ? `${unseen} new lines — ` : ""}follow
          </button>
        )}
      </div>
      <p className="text-xs text-zinc-500">
        <span className="mr-3 inline-block border-l-2 border-red-500 pl-1">stderr</span>
        Scrolling up pauses following; scroll to the bottom or press follow to resume.
      </p>
    </div>
  );
}
