/** A build's state, coloured like every state in the console (running amber, succeeded green, failed red). */
import type { BuildStatus } from "@/server/services/builds/build-records";

const styles: Record<BuildStatus, string> = {
  running: "bg-amber-100 text-amber-800 dark:bg-amber-950 dark:text-amber-200",
  succeeded: "bg-green-100 text-green-800 dark:bg-green-950 dark:text-green-200",
  failed: "bg-red-100 text-red-800 dark:bg-red-950 dark:text-red-200",
};

export function BuildStatusBadge({ status }: { status: BuildStatus }) {
  return <span className={`rounded px-1.5 py-0.5 text-xs font-medium ${styles[status]}`}>{status}</span>;
}
