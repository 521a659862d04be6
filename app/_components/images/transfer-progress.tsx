"use client";
/**
 * A pull's or push's progress, live (`images.transferProgress`, an SSE subscription): one bar per layer, the image's
 * status line, and the outcome — a link to the image, or the registry's error in plain words.
 */
import { useSubscription } from "@trpc/tanstack-react-query";
import Link from "next/link";
import { useCallback, useState } from "react";
import type { Transfer } from "@/server/services/images/transfers";
import { humanSize } from "../../_lib/format";
import { useTRPC } from "../../_trpc/client";

export function TransferProgress({ id, initial }: { id: string; initial?: Transfer }) {
  const trpc = useTRPC();
  const [task, setTask] = useState<Transfer | undefined>(initial);
  const onData = useCallback((data: Transfer) => setTask(data), []);
  const subscription = useSubscription(trpc.images.transferProgress.subscriptionOptions({ id }, { onData }));

  if (!task) return <p className="text-sm text-zinc-500">Starting…</p>;
  const verb = task.kind === "pull" ? "Pulling" : "Pushing";
  return (
    <section aria-label={`${task.kind} ${task.reference}`} className="flex flex-col gap-2 text-sm">
      <p className="font-medium">
        {task.state === "running" ? `${verb} ${task.reference}…` : task.state === "succeeded" ? `${task.kind === "pull" ? "Pulled" : "Pushed"} ${task.reference}` : `${task.kind === "pull" ? "Pull" : "Push"} of ${task.reference} failed`}
      </p>
      <ul aria-label="Layers" className="flex flex-col gap-1">
        {task.layers.map((layer) => (
          <li key={layer.id} className="grid grid-cols-[7rem_1fr_11rem] items-center gap-2">
            <span className="font-mono text-xs">{layer.id.slice(0, 12)}</span>
            <progress
              aria-label={`Layer ${layer.id.slice(0, 12)}`}
              className="h-2 w-full"
              max={layer.total ?? 1}
              value={layer.total ? (layer.current ?? 0) : /complete|exists|pushed/i.test(layer.status) ? 1 : 0}
            />
            <span className="truncate text-xs text-zinc-600 dark:text-zinc-400" title={layer.status}>
              {layer.status}
              {layer.total && layer.current !== null && layer.current < layer.total ? ` ${humanSize(layer.current)} / ${humanSize(layer.total)}` : ""}
            </span>
          </li>
        ))}
      </ul>
      {task.status && <p role="status" className="text-xs text-zinc-600 dark:text-zinc-400">{task.status}</p>}
      {task.state === "failed" && (
        <p role="alert" className="rounded-md border border-red-300 bg-red-50 px-3 py-2 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200">
          {task.error}
        </p>
      )}
      {task.state === "succeeded" && (
        <p className="text-green-700 dark:text-green-400">
          Done.{" "}
          {task.kind === "pull" && task.result ? (
            <Link className="underline" href={`/images/${encodeURIComponent(task.result)}`}>Open the image</Link>
          ) : task.result ? (
            <span className="font-mono text-xs">{task.result}</span>
          ) : null}
        </p>
      )}
      {subscription.error && task.state === "running" && (
        <p className="text-xs text-amber-700">Progress connection lost ({subscription.error.message}); the {task.kind} goes on on the server.</p>
      )}
    </section>
  );
}
