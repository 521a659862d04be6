"use client";
/**
 * At a glance: the engine's host (CPUs, memory, what the containers use of them), how many containers are in each
 * state, and what happened lately (the engine's events of the last hour, live).
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { exactBytes, humanSize } from "../_lib/format";
import { useTRPC } from "../_trpc/client";
import { EventsFeed } from "./events-feed";
import { POLL_MS } from "./engine-banner";
import { StateBadge } from "./state-badge";

const HOST_POLL_MS = 5000;
const states = ["running", "paused", "restarting", "created", "exited", "dead"] as const;

export function Dashboard() {
  const trpc = useTRPC();
  const engine = useQuery(trpc.engine.status.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const host = useQuery(trpc.engine.host.queryOptions(undefined, { refetchInterval: HOST_POLL_MS }));
  const containers = useQuery(trpc.containers.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const images = useQuery(trpc.images.list.queryOptions(undefined, { refetchInterval: POLL_MS }));

  const engineText = engine.data ? (engine.data.reachable ? `${engine.data.version} · API ${engine.data.apiVersion}` : "unreachable") : "…";
  const h = host.data;
  const memoryPercent = h && h.memoryTotal ? (h.memoryUsage / h.memoryTotal) * 100 : 0;

  return (
    <div className="flex flex-col gap-6">
      <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <Stat label="Engine" detail={engine.data?.endpoint}>{engineText}</Stat>
        <Stat label="Host CPU used by containers" detail={h ? `${h.cpus} CPUs · ${h.name}` : undefined}>
          {h ? <Meter percent={h.cpuPercent} text={`${h.cpuPercent.toFixed(1)} %`} /> : "…"}
        </Stat>
        <Stat label="Host memory used by containers" detail={h ? `of ${humanSize(h.memoryTotal)} · ${h.operatingSystem}` : undefined}>
          {h ? <Meter percent={memoryPercent} text={humanSize(h.memoryUsage)} title={`${exactBytes(h.memoryUsage)} of ${exactBytes(h.memoryTotal)}`} /> : "…"}
        </Stat>
        <Stat label="Images" href="/images">{images.data?.length ?? "…"}</Stat>
      </dl>
      {host.isError && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Host figures unavailable: {host.error.message}</p>}
      {h && h.unreadable > 0 && (
        <p className="text-sm text-amber-700 dark:text-amber-400">
          Usage counts {h.sampled} of {h.running} running containers; the engine did not give stats for {h.unreadable}
          {h.unreadableReason ? ` (${h.unreadableReason})` : ""}.
        </p>
      )}

      <section aria-labelledby="states-title">
        <h2 id="states-title" className="mb-2 text-sm font-semibold">Containers by state</h2>
        <ul className="flex flex-wrap gap-3">
          {states.map((state) => (
            <li key={state}>
              <Link href="/containers" className="flex items-center gap-2 rounded-lg border border-zinc-200 bg-white px-3 py-2 hover:bg-zinc-50 dark:border-zinc-800 dark:bg-zinc-900 dark:hover:bg-zinc-800">
                <StateBadge state={state} />
                <span className="text-lg font-semibold tabular-nums" aria-label={`${state} containers`}>
                  {containers.data ? containers.data.filter((c) => c.state === state).length : "…"}
                </span>
              </Link>
            </li>
          ))}
        </ul>
      </section>

      <EventsFeed />
    </div>
  );
}

function Meter({ percent, text, title }: { percent: number; text: string; title?: string }) {
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <span className="flex flex-col gap-1" title={title}>
      <span>{text}</span>
      <span className="block h-1.5 w-full rounded-full bg-zinc-200 dark:bg-zinc-800" role="meter" aria-valuemin={0} aria-valuemax={100} aria-valuenow={Math.round(clamped)} aria-label={text}>
        <span className="block h-1.5 rounded-full bg-sky-500" style={{ width: `${clamped}%` }} />
      </span>
    </span>
  );
}

function Stat({ label, detail, href, children }: { label: string; detail?: string | undefined; href?: string; children: ReactNode }) {
  const value = <span className="text-2xl font-semibold tabular-nums">{children}</span>;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1">{href ? <Link href={href} className="hover:underline">{value}</Link> : value}</dd>
      {detail && <dd className="mt-1 truncate font-mono text-xs text-zinc-500" title={detail}>{detail}</dd>}
    </div>
  );
}
