"use client";
/**
 * The Stats tab: CPU, memory and process count over the last few minutes, from the engine's streaming stats
 * (`containers.stats`, about one sample a second), plus network and block I/O totals.
 */
import { useSubscription } from "@trpc/tanstack-react-query";
import { useCallback, useState } from "react";
import type { StatsSample } from "@/server/services/containers/stats-sample";
import { exactBytes, humanSize } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";
import { Sparkline } from "./sparkline";

const CAPACITY = 120;

export function StatsPanel({ id, running }: { id: string; running: boolean }) {
  const trpc = useTRPC();
  const [samples, setSamples] = useState<StatsSample[]>([]);
  const onData = useCallback((sample: StatsSample) => setSamples((all) => all.concat(sample).slice(-CAPACITY)), []);
  const subscription = useSubscription(trpc.containers.stats.subscriptionOptions({ id }, { onData, enabled: running }));
  const latest = samples.at(-1);

  if (!running && samples.length === 0) {
    return <p className="text-sm text-zinc-500">The container is not running: there is nothing to measure. Start it to see its CPU, memory and processes.</p>;
  }
  const memoryLimit = latest?.memoryLimit ?? 0;
  return (
    <div className="flex flex-col gap-4">
      {subscription.error && (
        <p role="alert" className="rounded-md bg-red-50 px-3 py-2 text-sm text-red-800 dark:bg-red-950 dark:text-red-200">
          {subscription.status === "error" ? "Stats could not be read: " : "Connection lost; retrying: "}
          {subscription.error.message}
        </p>
      )}
      {!subscription.error && samples.length === 0 && <p className="text-sm text-zinc-500">Waiting for the first sample…</p>}
      <div className="grid gap-4 md:grid-cols-3">
        <Sparkline
          label={`CPU (100 % = one CPU${latest ? ` of ${latest.onlineCpus}` : ""})`}
          values={samples.map((s) => s.cpuPercent)}
          max={100}
          format={(v) => `${v.toFixed(1)} %`}
          capacity={CAPACITY}
          colour="#0ea5e9"
        />
        <Sparkline
          label={memoryLimit ? `Memory (limit ${humanSize(memoryLimit)})` : "Memory"}
          values={samples.map((s) => s.memoryUsage)}
          format={humanSize}
          exact={exactBytes}
          capacity={CAPACITY}
          colour="#8b5cf6"
        />
        <Sparkline label="Processes" values={samples.map((s) => s.pids)} max={1} format={(v) => String(v)} capacity={CAPACITY} colour="#10b981" />
      </div>
      {latest && (
        <dl className="grid grid-cols-2 gap-x-6 gap-y-1 text-sm tabular-nums sm:grid-cols-4">
          <Total label="Network in" bytes={latest.netRx} />
          <Total label="Network out" bytes={latest.netTx} />
          <Total label="Block read" bytes={latest.blockRead} />
          <Total label="Block write" bytes={latest.blockWrite} />
        </dl>
      )}
      {!running && <p className="text-sm text-zinc-500">The container stopped; the charts show its last samples.</p>}
    </div>
  );
}

function Total({ label, bytes }: { label: string; bytes: number }) {
  return (
    <div>
      <dt className="text-zinc-500">{label}</dt>
      <dd title={exactBytes(bytes)}>{humanSize(bytes)}</dd>
    </div>
  );
}
