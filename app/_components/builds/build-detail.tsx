"use client";
/** One build: what was built (by whom, from which Dockerfile, tags, args, target), then its progress or outcome. */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import type { ReactNode } from "react";
import { exactBytes, humanSize } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";
import { QueryError } from "../query-error";
import { TimeAgo } from "../time-ago";
import { BuildProgress } from "./build-progress";
import { BuildStatusBadge } from "./build-status";

export function BuildDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const build = useQuery(trpc.builds.get.queryOptions({ id }, { refetchInterval: (query) => (query.state.data?.status === "running" ? 2000 : false) }));
  if (!build.data) {
    if (build.isError) return <QueryError what="the build" message={build.error.message} />;
    return <p className="text-sm text-zinc-500">Loading the build…</p>;
  }
  const b = build.data;
  const facts: [string, ReactNode][] = [
    ["Started", <><TimeAgo time={b.startedAt} /> by {b.userName}</>],
    ["Tags", b.tags.join(", ") || "untagged"],
    ["Dockerfile", <span key="d" className="font-mono text-xs">{b.dockerfilePath} · {b.dockerfileDigest}</span>],
    ["Context", b.contextName ? <span title={exactBytes(b.contextSize)}>{b.contextName} ({humanSize(b.contextSize)})</span> : "none (the Dockerfile alone)"],
    ["Build args", b.buildArgNames.join(", ") || "none"],
    ["Target", b.target ?? "the last stage"],
  ];
  return (
    <div className="flex max-w-5xl flex-col gap-4">
      <p className="text-sm"><Link href="/builds" className="text-zinc-500 hover:underline">Builds</Link></p>
      <h1 className="flex items-center gap-3 text-xl font-semibold">
        Build {b.id.slice(-8)} <BuildStatusBadge status={b.status} />
      </h1>
      <dl className="grid grid-cols-[max-content_1fr] gap-x-6 gap-y-1 text-sm">
        {facts.map(([term, value]) => (
          <div key={term} className="contents">
            <dt className="text-zinc-500">{term}</dt>
            <dd>{value}</dd>
          </div>
        ))}
      </dl>
      <details className="text-sm">
        <summary className="cursor-pointer font-medium">Dockerfile</summary>
        <pre className="mt-2 overflow-auto rounded-lg border border-zinc-200 bg-white p-3 font-mono text-xs dark:border-zinc-800 dark:bg-zinc-900">{b.dockerfile}</pre>
      </details>
      <BuildProgress id={b.id} />
    </div>
  );
}
