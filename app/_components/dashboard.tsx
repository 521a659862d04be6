"use client";
/** At a glance: the engine, and how many containers are in each state. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { useTRPC } from "../_trpc/client";
import { POLL_MS } from "./engine-banner";

export function Dashboard() {
  const trpc = useTRPC();
  const engine = useQuery(trpc.engine.status.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const containers = useQuery(trpc.containers.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const images = useQuery(trpc.images.list.queryOptions(undefined, { refetchInterval: POLL_MS }));

  const count = (state: string) => containers.data?.filter((c) => c.state === state).length;
  const engineText = engine.data ? (engine.data.reachable ? `${engine.data.version} · API ${engine.data.apiVersion}` : "unreachable") : "…";

  return (
    <dl className="grid grid-cols-1 gap-4 sm:grid-cols-2 lg:grid-cols-4">
      <Stat label="Engine" detail={engine.data?.endpoint}>{engineText}</Stat>
      <Stat label="Running containers" href="/containers">{count("running") ?? "…"}</Stat>
      <Stat label="Stopped containers" href="/containers">{count("exited") ?? "…"}</Stat>
      <Stat label="Images" href="/images">{images.data?.length ?? "…"}</Stat>
    </dl>
  );
}

function Stat({ label, detail, href, children }: { label: string; detail?: string; href?: string; children: ReactNode }) {
  const value = <span className="text-2xl font-semibold tabular-nums">{children}</span>;
  return (
    <div className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
      <dt className="text-sm text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="mt-1">{href ? <Link href={href} className="hover:underline">{value}</Link> : value}</dd>
      {detail && <dd className="mt-1 truncate font-mono text-xs text-zinc-500" title={detail}>{detail}</dd>}
    </div>
  );
}
