"use client";
/** Every container on the engine, refreshed every two seconds. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useTRPC } from "../_trpc/client";
import { PublishedPorts } from "./container/published-ports";
import { EmptyState } from "./empty-state";
import { POLL_MS } from "./engine-banner";
import { QueryError } from "./query-error";
import { StateBadge } from "./state-badge";
import { Cell, Table } from "./table";
import { TimeAgo } from "./time-ago";

// Ports and Team last: the columns before them keep their places for those who read the table by position.
const columns = ["Name", "State", "Image", "Command", "Status", "Exit code", "Created", "Ports", "Team"];

export function ContainersTable() {
  const trpc = useTRPC();
  const containers = useQuery(trpc.containers.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const engine = useQuery(trpc.engine.status.queryOptions(undefined, { refetchInterval: POLL_MS }));

  if (containers.data === undefined) {
    if (containers.isError) return <QueryError what="containers" message={containers.error.message} />;
    return <p className="text-sm text-zinc-500">Loading containers…</p>;
  }
  if (containers.data.length === 0) {
    const host = engine.data?.endpoint ?? "unix:///run/hako/hako.sock";
    return (
      <EmptyState title="No containers yet">
        This page lists the engine’s containers, running or stopped. Run one with the Run container button, or with{" "}
        <code className="font-mono">docker -H {host} run busybox:1.38.0-glibc echo hello</code>.
      </EmptyState>
    );
  }
  return (
    <Table caption="Containers" columns={columns}>
      {containers.data.map((c) => (
        <tr key={c.id}>
          <Cell className="font-medium">
            <Link href={`/containers/${encodeURIComponent(c.id)}`} title={c.id} className="hover:underline">
              {c.name}
            </Link>
          </Cell>
          <Cell>
            <StateBadge state={c.state} />
          </Cell>
          <Cell className="font-mono text-xs">{c.image}</Cell>
          <Cell className="max-w-64 truncate font-mono text-xs">
            <span title={c.command}>{c.command}</span>
          </Cell>
          <Cell>{c.status}</Cell>
          <Cell className={`tabular-nums ${c.exitCode ? "font-semibold text-red-700 dark:text-red-400" : ""}`}>
            {c.exitCode ?? <span aria-label="none">—</span>}
          </Cell>
          <Cell>
            <TimeAgo time={c.created} />
          </Cell>
          <Cell className="whitespace-nowrap">
            <PublishedPorts ports={c.ports} />
          </Cell>
          <Cell>{c.team ?? <span className="text-zinc-500" aria-label="no team">—</span>}</Cell>
        </tr>
      ))}
    </Table>
  );
}

