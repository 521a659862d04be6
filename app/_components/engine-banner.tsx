"use client";
/**
 * Says when the engine (or the console itself) cannot be reached. It polls, so it disappears by itself once hakod is
 * back; the pages keep showing their last known data underneath.
 */
import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../_trpc/client";

export const POLL_MS = 2000;

export function EngineBanner() {
  const trpc = useTRPC();
  const status = useQuery(trpc.engine.status.queryOptions(undefined, { refetchInterval: POLL_MS }));

  if (status.isError) {
    // An error with a tRPC code came from the console server (the engine answered with a fault); none means the
    // console server itself could not be reached.
    const answered = status.error.data?.code !== undefined;
    return <Banner>{answered ? status.error.message : "Lost contact with the console server; retrying…"}</Banner>;
  }
  if (status.data && !status.data.reachable) {
    return (
      <Banner>
        Engine unreachable — is hakod running at <code className="font-mono">{status.data.endpoint}</code>?{" "}
        <span className="text-red-700/80 dark:text-red-300/80">({status.data.reason})</span>
      </Banner>
    );
  }
  return null;
}

function Banner({ children }: { children: React.ReactNode }) {
  return (
    <div
      role="alert"
      className="border-b border-red-300 bg-red-50 px-6 py-2 text-sm text-red-900 dark:border-red-900 dark:bg-red-950 dark:text-red-200"
    >
      {children}
    </div>
  );
}
