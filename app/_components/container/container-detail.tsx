"use client";
/**
 * A container's page: its name, state and actions on top, then the tab from the URL. The detail is polled, so state
 * changes made elsewhere (the CLI, a crash, a restart policy) show without a reload.
 */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useSearchParams } from "next/navigation";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { POLL_MS } from "../engine-banner";
import { QueryError } from "../query-error";
import { StateBadge } from "../state-badge";
import { ContainerActions } from "./container-actions";
import { ContainerTabs, tabOf, type Tab } from "./container-tabs";
import { InspectPanel } from "./inspect-panel";
import { LogsView } from "./logs-view";
import { OverviewPanel } from "./overview-panel";
import { StatsPanel } from "./stats-panel";
import { TerminalView } from "./terminal-view";

export function ContainerDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const tab = tabOf(useSearchParams().get("tab"));
  const detail = useQuery(trpc.containers.inspect.queryOptions({ id }, { refetchInterval: POLL_MS }));
  const team = detail.data?.team ?? null;
  const exec = usePermission("container.exec", { team });

  if (detail.data === undefined) {
    if (detail.isError) {
      const gone = detail.error.data?.code === "NOT_FOUND";
      return (
        <>
          <QueryError what={`container ${id}`} message={detail.error.message} />
          {gone && <p className="mt-3 text-sm"><Link href="/containers" className="underline">Back to the containers</Link></p>}
        </>
      );
    }
    return <p className="text-sm text-zinc-500">Loading container…</p>;
  }
  const { overview: c, inspect, envVisible } = detail.data;
  const hidden: Tab[] = exec.allowed ? [] : ["terminal"];
  const shown = hidden.includes(tab) ? "overview" : tab;

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm"><Link href="/containers" className="text-zinc-500 hover:underline">Containers</Link></p>
          <h1 className="flex items-center gap-3 text-xl font-semibold">
            {c.name}
            <StateBadge state={c.state} />
            {c.exitCode !== null && (
              <span className={`text-sm font-normal tabular-nums ${c.exitCode ? "text-red-700 dark:text-red-400" : "text-zinc-500"}`}>exit code {c.exitCode}</span>
            )}
          </h1>
          <p className="mt-1 font-mono text-xs text-zinc-500" title={c.id}>
            {c.id.slice(0, 12)} · {c.image}
            {team && <> · <span aria-label="Team" className="font-sans">team {team}</span></>}
          </p>
        </div>
        <ContainerActions container={c} team={team} />
      </div>
      {detail.isError && <QueryError what="the latest state" message={detail.error.message} />}
      <ContainerTabs id={id} current={shown} hidden={hidden} />
      {tab === "terminal" && !exec.allowed && exec.reason && (
        <p role="alert" className="text-sm text-zinc-600 dark:text-zinc-300">The terminal is not available to you. {exec.reason}</p>
      )}
      <div role="tabpanel" id={`panel-${shown}`} aria-labelledby={`tab-${shown}`}>
        {shown === "overview" && <OverviewPanel container={c} envVisible={envVisible} />}
        {shown === "logs" && <LogsView id={c.id} name={c.name} team={team} running={c.running} startedAt={c.startedAt?.toISOString() ?? null} />}
        {shown === "terminal" && <TerminalView id={c.id} name={c.name} running={c.running && c.state !== "paused"} />}
        {shown === "stats" && <StatsPanel id={c.id} running={c.running && c.state !== "paused"} />}
        {shown === "inspect" && <InspectPanel inspect={inspect} envVisible={envVisible} />}
      </div>
    </div>
  );
}
