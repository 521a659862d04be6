"use client";
/** The build history, newest first, refreshed every two seconds (a running build's row changes when it ends). */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { shortId } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";
import { EmptyState } from "../empty-state";
import { POLL_MS } from "../engine-banner";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TimeAgo } from "../time-ago";
import { formatDuration } from "./build-progress";
import { BuildStatusBadge } from "./build-status";

const columns = ["Build", "Status", "Tags", "Dockerfile", "By", "Started", "Duration"];

export function BuildsTable() {
  const trpc = useTRPC();
  const builds = useQuery(trpc.builds.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  if (builds.data === undefined) {
    if (builds.isError) return <QueryError what="builds" message={builds.error.message} />;
    return <p className="text-sm text-zinc-500">Loading builds…</p>;
  }
  if (builds.data.length === 0) {
    return (
      <EmptyState title="No builds yet">
        Builds turn a Dockerfile and its context into an image, with a live log. <Link href="/builds/new" className="underline">Build one</Link>.
      </EmptyState>
    );
  }
  return (
    <Table caption="Builds" columns={columns}>
      {builds.data.map((build) => (
        <tr key={build.id}>
          <Cell className="font-mono text-xs">
            <Link href={`/builds/${build.id}`} className="underline">{build.id.slice(-8)}</Link>
          </Cell>
          <Cell><BuildStatusBadge status={build.status} /></Cell>
          <Cell>{build.tags.length ? build.tags.map((tag) => <div key={tag}>{tag}</div>) : <span className="text-zinc-500">untagged</span>}</Cell>
          <Cell className="font-mono text-xs"><span title={build.dockerfileDigest}>{shortId(build.dockerfileDigest)}</span></Cell>
          <Cell>{build.userName}</Cell>
          <Cell><TimeAgo time={build.startedAt} /></Cell>
          <Cell className="tabular-nums">{build.durationMs !== null ? formatDuration(build.durationMs) : "—"}</Cell>
        </tr>
      ))}
    </Table>
  );
}
