"use client";
/** The hash chain's integrity, checked on request (a full walk of the log; seconds on a million rows). */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";

export function ChainStatus() {
  const trpc = useTRPC();
  const verify = useQuery(trpc.audit.verify.queryOptions(undefined, { enabled: false, staleTime: Infinity }));
  const report = verify.data;
  const tone = !report
    ? "border-zinc-200 dark:border-zinc-800"
    : report.ok
      ? "border-green-300 bg-green-50 text-green-900 dark:border-green-900 dark:bg-green-950 dark:text-green-200"
      : "border-red-300 bg-red-50 text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200";
  return (
    <section aria-label="Chain integrity" className={`mb-4 flex items-center gap-3 rounded-md border px-4 py-3 text-sm ${tone}`}>
      <p role="status" className="flex-1 break-all">
        {verify.isFetching
          ? "Verifying the hash chain…"
          : verify.isError
            ? `Could not verify: ${verify.error.message}`
            : report
              ? report.summary
              : "Each event is hashed together with the one before it; verify to check that no row was edited or removed."}
      </p>
      <button type="button" className={buttonClass("secondary")} disabled={verify.isFetching} onClick={() => void verify.refetch()}>
        Verify chain
      </button>
    </section>
  );
}
