"use client";
/**
 * The image's tag history: every creation, move and removal of the tags it has or had, newest first, with who made
 * it (a console user, or `engine-socket` for a change made directly on the engine), and "point back" on each tag's
 * latest change. Admins set a repository's tags immutable: the console then refuses moves (the engine's socket cannot
 * be stopped, only recorded).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { QueryError } from "../query-error";
import { TimeAgo } from "../time-ago";

function short(digest: string | null): string {
  return digest ? digest.replace(/^sha256:/, "").slice(0, 12) : "∅";
}

const actionWords: Record<string, string> = { create: "created", move: "moved", delete: "removed" };

export function TagTimeline({ id }: { id: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const history = useQuery(trpc.images.tagHistory.queryOptions({ id }, { refetchInterval: 3000 }));
  const [confirming, setConfirming] = useState<{ reference: string; to: string } | null>(null);
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.images.pathKey() });
  const pointBack = useMutation(trpc.images.pointBack.mutationOptions({ onSuccess: refresh }));
  const setRule = useMutation(trpc.images.setRule.mutationOptions({ onSuccess: refresh }));
  const tagPermission = usePermission("image.tag");
  const rulePermission = usePermission("image.rule.set");

  if (!history.data) {
    if (history.isError) return <QueryError what="the tag history" message={history.error.message} />;
    return <p className="text-sm text-zinc-500">Loading tag history…</p>;
  }
  const { events, immutable } = history.data;
  const latestOf = new Set<string>();
  const seen = new Set<string>();
  for (const e of events) {
    const key = `${e.repository}:${e.tag}`;
    if (!seen.has(key)) { seen.add(key); latestOf.add(e.id); }
  }

  return (
    <div role="tabpanel" aria-label="Tag history" className="flex flex-col gap-4">
      {Object.keys(immutable).length > 0 && (
        <section aria-label="Repository rules" className="text-sm">
          {Object.entries(immutable).map(([repository, on]) => (
            <label key={repository} className="mr-4 inline-flex items-center gap-2" title={rulePermission.reason}>
              <input type="checkbox" checked={on} disabled={!rulePermission.allowed || setRule.isPending}
                onChange={(e) => setRule.mutate({ repository, immutableTags: e.target.checked })} />
              Immutable tags in <span className="font-mono">{repository}</span>
            </label>
          ))}
          <p className="mt-1 text-xs text-zinc-500">Immutable: the console refuses to move an existing tag. Changes made directly on the engine (docker tag, pull, load) cannot be refused, only recorded.</p>
          {setRule.error && <p role="alert" className="text-red-700">{setRule.error.message}</p>}
        </section>
      )}
      {pointBack.error && <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">{pointBack.error.message}</p>}
      {events.length === 0 ? (
        <p className="text-sm text-zinc-500">No tag changes recorded yet. Tagging, pulling, building or loading this image (through the console or the engine) adds them here.</p>
      ) : (
        <ol aria-label="Tag changes" className="flex flex-col gap-2">
          {events.map((e) => {
            const reference = `${e.repository}:${e.tag}`;
            return (
              <li key={e.id} className="rounded-md border border-zinc-200 bg-white px-4 py-2 text-sm dark:border-zinc-800 dark:bg-zinc-900">
                <div className="flex flex-wrap items-center gap-2">
                  <span className="font-mono font-medium">{reference}</span>
                  <span>{actionWords[e.action] ?? e.action}</span>
                  <span className="font-mono text-xs" title={`${e.oldDigest ?? "none"} → ${e.newDigest ?? "none"}`}>{short(e.oldDigest)} → {short(e.newDigest)}</span>
                  <span className="text-xs text-zinc-500">by {e.actor} ({e.source}), <TimeAgo time={e.time} /></span>
                  {latestOf.has(e.id) && e.oldDigest && (
                    <button type="button" className={`ml-auto ${buttonClass("secondary")}`} disabled={!tagPermission.allowed || pointBack.isPending} title={tagPermission.reason ?? `Point ${reference} back to ${short(e.oldDigest)}`}
                      onClick={() => setConfirming({ reference, to: e.oldDigest! })}>
                      Point back to {short(e.oldDigest)}
                    </button>
                  )}
                </div>
              </li>
            );
          })}
        </ol>
      )}
      <ConfirmDialog open={confirming !== null} title={`Point ${confirming?.reference ?? ""} back?`} confirmLabel="Point back"
        onCancel={() => setConfirming(null)}
        onConfirm={() => { if (confirming) pointBack.mutate({ reference: confirming.reference }); setConfirming(null); }}>
        {confirming && <>The tag will name image <span className="font-mono">{short(confirming.to)}</span> again, as before its latest change.</>}
      </ConfirmDialog>
    </div>
  );
}
