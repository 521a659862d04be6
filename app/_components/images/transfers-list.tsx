"use client";
/** Pulls and pushes started from the console, running and recent, with their outcome (they outlive the dialog). */
import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { POLL_MS } from "../engine-banner";
import { TimeAgo } from "../time-ago";
import { TransferProgress } from "./transfer-progress";

const stateColour = { running: "text-amber-700 dark:text-amber-400", succeeded: "text-green-700 dark:text-green-400", failed: "text-red-700 dark:text-red-400" };

export function TransfersList() {
  const trpc = useTRPC();
  const permission = usePermission("image.transfers");
  const transfers = useQuery(trpc.images.transfers.queryOptions(undefined, { refetchInterval: POLL_MS, enabled: permission.allowed }));
  const [expanded, setExpanded] = useState<string | null>(null);
  if (!transfers.data?.length) return null;
  return (
    <section aria-labelledby="transfers-title" className="mb-6">
      <h2 id="transfers-title" className="mb-2 text-sm font-semibold">Transfers</h2>
      <ul className="divide-y divide-zinc-100 rounded-lg border border-zinc-200 bg-white text-sm dark:divide-zinc-800 dark:border-zinc-800 dark:bg-zinc-900">
        {transfers.data.slice(0, 10).map((t) => (
          <li key={t.id} className="px-4 py-2">
            <div className="flex flex-wrap items-center gap-3">
              <span className="font-medium">{t.kind === "pull" ? "Pull" : "Push"}</span>
              <span className="font-mono text-xs">{t.reference}</span>
              <span className={stateColour[t.state]}>{t.state}</span>
              <span className="text-xs text-zinc-500">by {t.startedBy}, <TimeAgo time={t.startedAt} /></span>
              {t.state === "succeeded" && t.kind === "pull" && t.result && (
                <Link className="text-xs underline" href={`/images/${encodeURIComponent(t.result)}`}>Open image</Link>
              )}
              <button type="button" className="ml-auto text-xs underline" onClick={() => setExpanded(expanded === t.id ? null : t.id)} aria-expanded={expanded === t.id}>
                {expanded === t.id ? "Hide details" : "Details"}
              </button>
            </div>
            {t.state === "failed" && <p className="mt-1 text-xs text-red-700 dark:text-red-400">{t.error}</p>}
            {expanded === t.id && <div className="mt-2"><TransferProgress id={t.id} initial={t} /></div>}
          </li>
        ))}
      </ul>
    </section>
  );
}
