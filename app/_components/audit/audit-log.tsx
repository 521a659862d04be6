"use client";
/**
 * The audit viewer: the filter (in the URL), the chain's integrity, one keyset page of events (newest first; `before`
 * in the URL too, so a page can be shared), and the export of the current filter. A terminal session's rows link to
 * its recording's replay.
 */
import { keepPreviousData, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { usePathname, useRouter, useSearchParams } from "next/navigation";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { EmptyState } from "../empty-state";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TimeAgo } from "../time-ago";
import { AuditFilterForm } from "./audit-filter-form";
import { ChainStatus } from "./chain-status";

const filterKeys = ["actor", "action", "targetKind", "target", "team", "outcome", "from", "to", "q"] as const;
const columns = ["Seq", "Time", "Actor", "Action", "Target", "Team", "Outcome", "Source"];
const PAGE = 100;

const outcomeClass: Record<string, string> = {
  ok: "text-green-700 dark:text-green-400",
  denied: "text-amber-700 dark:text-amber-400",
  error: "text-red-700 dark:text-red-400",
};

export function AuditLog() {
  const trpc = useTRPC();
  const router = useRouter();
  const pathname = usePathname();
  const search = useSearchParams();
  const filter = Object.fromEntries(filterKeys.flatMap((k) => (search.get(k) ? [[k, search.get(k)!]] : [])));
  const before = Number(search.get("before")) || undefined;
  const events = useQuery(trpc.audit.list.queryOptions({ ...filter, before, limit: PAGE }, { placeholderData: keepPreviousData }));

  const go = (params: URLSearchParams) => router.replace(`${pathname}${params.size ? `?${params}` : ""}`);
  const filterQuery = new URLSearchParams(filter).toString();
  const exportHref = (format: string) => `/api/audit/export?format=${format}${filterQuery ? `&${filterQuery}` : ""}`;

  return (
    <>
      <ChainStatus />
      <AuditFilterForm key={filterQuery} values={new URLSearchParams(filter)} onApply={go} />
      <div className="mb-3 flex items-center gap-2 text-sm">
        <span className="flex-1 text-zinc-500" role="status">
          {events.isPlaceholderData ? "Updating…" : before ? `Events before #${before}` : "Newest events"}
        </span>
        <a href={exportHref("csv")} download className={buttonClass("secondary")}>Export CSV</a>
        <a href={exportHref("jsonl")} download className={buttonClass("secondary")}>Export JSON Lines</a>
      </div>
      {events.data === undefined ? (
        events.isError ? (
          <QueryError what="the audit log" message={events.error.message} />
        ) : (
          <p className="text-sm text-zinc-500">Loading the audit log…</p>
        )
      ) : events.data.events.length === 0 ? (
        <EmptyState title="No matching events">
          Every change made through the console or the engine&apos;s socket, and every refused attempt, is recorded here. Widen the filter to see more.
        </EmptyState>
      ) : (
        <>
          <Table caption="Audit events" columns={columns} busy={events.isPlaceholderData}>
            {events.data.events.map((e) => (
              <tr key={e.seq}>
                <Cell className="font-mono text-xs tabular-nums">{e.seq}</Cell>
                <Cell><TimeAgo time={e.time} /></Cell>
                <Cell>
                  {e.actorName}
                  {e.actorRole && <span className="text-zinc-500"> ({e.actorRole})</span>}
                </Cell>
                <Cell className="font-mono text-xs">
                  <span title={e.params ?? undefined}>{e.action}</span>
                  <ReplayLink action={e.action} params={e.params} />
                </Cell>
                <Cell className="text-xs">
                  {e.targetKind && <span className="text-zinc-500">{e.targetKind} </span>}
                  <span title={e.targetId ?? undefined}>{e.targetName ?? e.targetId?.slice(0, 12) ?? "—"}</span>
                </Cell>
                <Cell className="text-xs">{e.team ?? "—"}</Cell>
                <Cell className={`text-xs font-medium ${outcomeClass[e.outcome] ?? ""}`}>
                  <span title={e.message ?? undefined}>{e.outcome}</span>
                  {e.message && <div className="max-w-xs truncate font-normal text-zinc-500">{e.message}</div>}
                </Cell>
                <Cell className="text-xs text-zinc-500">
                  <span title={e.userAgent ?? undefined}>{e.sourceIp ?? "local"}</span>
                </Cell>
              </tr>
            ))}
          </Table>
          <nav aria-label="Pages" className="mt-3 flex gap-2">
            {before && (
              <button type="button" className={buttonClass("secondary")} onClick={() => go(new URLSearchParams(filter))}>
                Newest
              </button>
            )}
            {events.data.nextBefore !== null && (
              <button
                type="button"
                className={buttonClass("secondary")}
                onClick={() => go(new URLSearchParams({ ...filter, before: String(events.data.nextBefore) }))}
              >
                Older
              </button>
            )}
          </nav>
        </>
      )}
    </>
  );
}

/** The transcript a terminal session's row names (params.transcriptId of its attach and end rows), as a link. */
function ReplayLink({ action, params }: { action: string; params: string | null }) {
  if (action !== "container.exec" || !params) return null;
  let id: unknown;
  try {
    id = (JSON.parse(params) as { transcriptId?: unknown }).transcriptId;
  } catch {
    return null;
  }
  if (typeof id !== "string") return null;
  return (
    <Link href={`/audit/transcripts/${encodeURIComponent(id)}`} className="ml-2 font-sans text-blue-700 hover:underline dark:text-blue-400">
      Replay
    </Link>
  );
}
