"use client";
/**
 * Replays one recorded terminal session (admins only: `audit.transcript.read`) in a read-only xterm.js terminal, with
 * its timing (long pauses shortened, see ./cast-playback.ts), a speed control, and what was typed listed beside it —
 * keystrokes a shell does not echo (passwords) appear only there.
 */
import "@xterm/xterm/css/xterm.css";
import { useQuery } from "@tanstack/react-query";
import type { Terminal } from "@xterm/xterm";
import { useEffect, useMemo, useRef, useState } from "react";
import { parseCast } from "@/server/services/audit/asciicast";
import { TRANSCRIPT_CAP_BYTES } from "@/server/ws/terminal-protocol";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { QueryError } from "../query-error";
import { TimeAgo } from "../time-ago";
import { IDLE_LIMIT_S, play, type Playback } from "./cast-playback";
import { typedLines } from "./visible-keys";

const speeds = [0.5, 1, 2, 4, 8];
const capMiB = TRANSCRIPT_CAP_BYTES / (1024 * 1024);

export function TranscriptPlayer({ id }: { id: string }) {
  const trpc = useTRPC();
  const transcript = useQuery(trpc.audit.transcript.queryOptions({ id }, { staleTime: Infinity }));
  const cast = useMemo(() => (transcript.data ? parseCast(transcript.data.cast) : null), [transcript.data]);
  const box = useRef<HTMLDivElement>(null);
  const playback = useRef<Playback | null>(null);
  const [speed, setSpeed] = useState(1);
  const [paused, setPaused] = useState(false);
  const [progress, setProgress] = useState({ at: 0, done: false });

  useEffect(() => {
    if (!cast || !box.current) return;
    let terminal: Terminal | null = null;
    let disposed = false;
    void import("@xterm/xterm").then(({ Terminal }) => {
      if (disposed || !box.current) return;
      terminal = new Terminal({ cols: cast.header.width || 80, rows: cast.header.height || 24, disableStdin: true, fontSize: 13, scrollback: 5000, theme: { background: "#09090b" } });
      terminal.open(box.current);
      playback.current = play(terminal, cast.events, 1, (at, done) => setProgress({ at, done }));
    });
    return () => {
      disposed = true;
      playback.current?.stop();
      playback.current = null;
      terminal?.dispose();
    };
  }, [cast]);

  if (transcript.isError) return <QueryError what="the transcript" message={transcript.error.message} />;
  if (!transcript.data || !cast) return <p className="text-sm text-zinc-500">Loading the transcript…</p>;
  const t = transcript.data;
  const typed = typedLines(cast.events);

  return (
    <div className="flex flex-col gap-3">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-zinc-500">User</dt>
        <dd>{t.userName}</dd>
        <dt className="text-zinc-500">Container</dt>
        <dd>{t.containerName ?? t.containerId.slice(0, 12)}{t.team && <span className="text-zinc-500"> (team {t.team})</span>}</dd>
        <dt className="text-zinc-500">Command</dt>
        <dd className="font-mono text-xs">{t.command}</dd>
        <dt className="text-zinc-500">Started</dt>
        <dd><TimeAgo time={t.startedAt} /></dd>
        <dt className="text-zinc-500">Ended</dt>
        <dd>{t.endedAt ? <>
          <TimeAgo time={t.endedAt} />, exit code {t.exitCode ?? "unknown"}
        </> : "not recorded (the session was still open, or the console stopped during it)"}</dd>
        <dt className="text-zinc-500">Recording</dt>
        <dd>
          {(t.bytes / 1024).toFixed(1)} KiB; recording capped at {capMiB} MiB
          {t.truncated && <strong role="note" className="ml-1 text-amber-700 dark:text-amber-400">— truncated: the session went on after the end of this recording.</strong>}
        </dd>
      </dl>
      <div className="flex flex-wrap items-center gap-2 text-sm">
        <button type="button" className={buttonClass("secondary")} onClick={() => {
          playback.current?.setSpeed(paused ? speed : 0);
          setPaused(!paused);
        }} disabled={progress.done}>
          {paused ? "Play" : "Pause"}
        </button>
        <button type="button" className={buttonClass("secondary")} onClick={() => {
          setPaused(false);
          playback.current?.setSpeed(speed);
          playback.current?.restart();
        }}>
          Replay from start
        </button>
        <label className="flex items-center gap-1">
          Speed
          <select value={speed} onChange={(e) => {
            const next = Number(e.target.value);
            setSpeed(next);
            if (!paused) playback.current?.setSpeed(next);
          }} className="rounded-md border border-zinc-300 bg-white px-2 py-1 dark:border-zinc-700 dark:bg-zinc-900">
            {speeds.map((s) => <option key={s} value={s}>{s}×</option>)}
          </select>
        </label>
        <span role="status" className="tabular-nums text-zinc-500">
          {progress.done ? "Finished" : paused ? "Paused" : "Playing"} · {progress.at.toFixed(1)} s (pauses over {IDLE_LIMIT_S} s shortened)
        </span>
      </div>
      <div ref={box} aria-label={`Transcript of the session in ${t.containerName ?? t.containerId.slice(0, 12)}`} className="overflow-auto rounded-lg bg-zinc-950 p-2" />
      <details className="text-sm">
        <summary className="cursor-pointer">Keystrokes ({typed.length} lines)</summary>
        <ol aria-label="Keystrokes" className="mt-2 max-h-64 overflow-auto font-mono text-xs">
          {typed.map(({ time, text }, i) => (
            <li key={i}><span className="text-zinc-500 tabular-nums">{time.toFixed(2)} s</span> {text}</li>
          ))}
        </ol>
      </details>
    </div>
  );
}
