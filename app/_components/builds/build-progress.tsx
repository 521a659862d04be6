"use client";
/**
 * A build as it happens (or happened): its steps, each with its cache hit or duration, its log, and its outcome: a
 * link to the image, or the failing step with its exit code and last output lines. Live over the `builds.follow`
 * subscription; the build runs on the server whether or not this is open.
 */
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useCallback, useEffect, useRef, useState } from "react";
import type { BuildStep } from "@/server/services/builds/build-log";
import type { BuildUpdate } from "@/server/services/builds/follow-build";
import { shortId } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";

const MAX_LINES = 5000;

interface Shown {
  /** index of lines[0] in the build's log */
  base: number;
  lines: string[];
  update: BuildUpdate | null;
}

export function formatDuration(ms: number): string {
  if (ms < 1000) return `${ms} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(1)} s`;
  return `${Math.floor(ms / 60_000)} min ${Math.round((ms % 60_000) / 1000)} s`;
}

function useBuildStream(id: string) {
  const trpc = useTRPC();
  const [shown, setShown] = useState<Shown>({ base: 0, lines: [], update: null });
  const onData = useCallback((event: { data: BuildUpdate }) => {
    const update = event.data;
    setShown((previous) => {
      const contiguous = update.firstLine === previous.base + previous.lines.length && previous.update !== null;
      const lines = contiguous ? previous.lines.concat(update.lines) : update.lines;
      const base = contiguous ? previous.base : update.firstLine;
      const drop = Math.max(0, lines.length - MAX_LINES);
      return { base: base + drop, lines: drop ? lines.slice(drop) : lines, update };
    });
  }, []);
  const subscription = useSubscription(trpc.builds.follow.subscriptionOptions({ id }, { onData }));
  const { reset } = subscription;
  const running = shown.update?.status !== "succeeded" && shown.update?.status !== "failed";
  // A stream that ends while the build still runs (a dropped connection) is picked up again.
  useEffect(() => {
    if (subscription.status !== "idle" || !running) return;
    const timer = setTimeout(reset, 1000);
    return () => clearTimeout(timer);
  }, [subscription.status, running, reset]);
  return { ...shown, error: subscription.error?.message ?? null, connecting: subscription.status === "connecting" };
}

function StepRow({ step, failed, running }: { step: BuildStep; failed: boolean; running: boolean }) {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 500);
    return () => clearInterval(timer);
  }, [running]);
  const started = useRef(now);
  const outcome = failed ? (
    <span className="rounded bg-red-100 px-1.5 py-0.5 text-xs font-medium text-red-800 dark:bg-red-950 dark:text-red-200">failed</span>
  ) : step.cached ? (
    <span className="rounded bg-sky-100 px-1.5 py-0.5 text-xs font-medium text-sky-800 dark:bg-sky-950 dark:text-sky-200">cached</span>
  ) : step.durationMs !== null ? (
    <span className="text-xs tabular-nums text-zinc-500">{formatDuration(step.durationMs)}</span>
  ) : running ? (
    <span className="text-xs tabular-nums text-amber-700 dark:text-amber-400">running {formatDuration(Math.max(0, now - started.current))}</span>
  ) : null;
  return (
    <li className="flex items-baseline justify-between gap-4 px-3 py-1.5">
      <span className="min-w-0 truncate font-mono text-xs">
        <span className="text-zinc-500">Step {step.n}/{step.total}</span> {step.instruction}
      </span>
      {outcome}
    </li>
  );
}

export function BuildProgress({ id }: { id: string }) {
  const { lines, update, error, connecting, base } = useBuildStream(id);
  const logRef = useRef<HTMLPreElement>(null);
  useEffect(() => {
    const log = logRef.current;
    if (log) log.scrollTop = log.scrollHeight;
  }, [lines]);

  const status = update?.status ?? "running";
  const failure = update?.failure ?? null;
  const steps = update?.steps ?? [];
  const current = steps.at(-1);

  return (
    <section aria-label="Build progress" className="flex flex-col gap-3">
      <p role="status" className="text-sm">
        {update === null ? (connecting ? "Connecting to the build…" : "Waiting for the build…")
          : status === "running" ? <>Building… {current ? `step ${current.n} of ${current.total}` : "sending the context"}</>
          : status === "succeeded" ? <span className="font-medium text-green-700 dark:text-green-400">Build succeeded{update.durationMs !== null ? ` in ${formatDuration(update.durationMs)}` : ""}</span>
          : <span className="font-medium text-red-700 dark:text-red-400">Build failed</span>}
      </p>
      {error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Lost the build&apos;s progress: {error}. Retrying…</p>}

      {status === "succeeded" && update?.imageId && (
        <p className="rounded-md border border-green-300 bg-green-50 px-3 py-2 text-sm dark:border-green-900 dark:bg-green-950">
          Image built:{" "}
          <Link href={`/images/${encodeURIComponent(update.imageId)}`} className="font-mono font-medium underline">
            {shortId(update.imageId)}
          </Link>
        </p>
      )}

      {failure && (
        <div role="alert" aria-label="Build failure" className="rounded-md border border-red-300 bg-red-50 px-4 py-3 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          <p className="font-medium">{failure.step ? `Failed at ${failure.step}` : "The build failed"}</p>
          {failure.exitCode !== null && <p>Exit code {failure.exitCode}</p>}
          <p className="mt-1">{failure.message}</p>
          {failure.output.length > 0 && (
            <>
              <p className="mt-2 text-xs font-medium uppercase tracking-wide">Last output of the step</p>
              <pre className="mt-1 max-h-48 overflow-auto whitespace-pre-wrap rounded bg-white/60 p-2 font-mono text-xs dark:bg-black/30">{failure.output.join("\n")}</pre>
            </>
          )}
        </div>
      )}

      {steps.length > 0 && (
        <ol aria-label="Build steps" className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
          {steps.map((step, i) => (
            <StepRow key={`${step.n}-${i}`} step={step} running={status === "running" && i === steps.length - 1}
              failed={status === "failed" && !!failure?.step && i === steps.length - 1} />
          ))}
        </ol>
      )}

      <div>
        <h2 className="mb-1 text-sm font-semibold">Log</h2>
        {(update?.truncated || base > 0) && <p className="text-xs text-zinc-500">The start of the log is not shown: a build keeps its last 1 MB of output.</p>}
        <pre ref={logRef} role="log" aria-label="Build log" className="max-h-96 overflow-auto rounded-lg bg-zinc-950 p-3 font-mono text-xs leading-5 text-zinc-100">
          {lines.join("\n") || " "}
        </pre>
      </div>
    </section>
  );
}
