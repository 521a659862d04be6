/** A container's state, in the one colour per state used across the console. */
import type { ContainerSummary } from "@/server/services/containers/list-containers";

type State = ContainerSummary["state"];

const styles: Record<State, string> = {
  running: "bg-emerald-100 text-emerald-800 ring-emerald-600/30 dark:bg-emerald-900/40 dark:text-emerald-300",
  paused: "bg-amber-100 text-amber-800 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-300",
  exited: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300",
  dead: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-300",
  created: "bg-sky-100 text-sky-800 ring-sky-600/30 dark:bg-sky-900/40 dark:text-sky-300",
  restarting: "bg-amber-100 text-amber-800 ring-amber-600/30 dark:bg-amber-900/40 dark:text-amber-300",
  removing: "bg-zinc-100 text-zinc-700 ring-zinc-500/30 dark:bg-zinc-800 dark:text-zinc-300",
  unknown: "bg-red-100 text-red-800 ring-red-600/30 dark:bg-red-900/40 dark:text-red-300",
};

export function StateBadge({ state }: { state: State }) {
  return (
    <span className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ring-1 ring-inset ${styles[state]}`}>
      {state}
    </span>
  );
}
