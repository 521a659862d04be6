"use client";
/** Where one is signed in: each session's browser, address and last activity, with the current one marked. */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TimeAgo } from "../time-ago";
import { ErrorText, Section, Status } from "./section";

export function SessionsSection() {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const sessions = useQuery(trpc.account.sessions.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.account.sessions.list.queryKey() });
  const revoke = useMutation(trpc.account.sessions.revoke.mutationOptions({
    onSuccess: (result) => (result.current ? router.replace("/signin") : refresh()),
  }));
  const revokeOthers = useMutation(trpc.account.sessions.revokeOthers.mutationOptions({ onSuccess: refresh }));
  const others = sessions.data?.filter((s) => !s.current).length ?? 0;

  return (
    <Section title="Sessions" intro="Browsers signed in to your account. Revoke any you do not recognise.">
      {sessions.data === undefined ? (
        sessions.isError ? <QueryError what="sessions" message={sessions.error.message} /> : <p className="text-sm text-zinc-500">Loading sessions…</p>
      ) : (
        <Table caption="Sessions" columns={["Browser", "Address", "Signed in", "Last seen", ""]}>
          {sessions.data.map((s) => (
            <tr key={s.id}>
              <Cell className="max-w-md">
                <span className="break-words">{s.userAgent ?? "unknown"}</span>
                {s.current && <span className="ml-2 rounded bg-green-100 px-1.5 py-0.5 text-xs text-green-800 dark:bg-green-950 dark:text-green-300">This session</span>}
                {s.pending && <span className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-800 dark:bg-amber-950 dark:text-amber-300">code not entered</span>}
              </Cell>
              <Cell className="font-mono text-xs">{s.sourceIp ?? "unknown"}</Cell>
              <Cell><TimeAgo time={s.createdAt} /></Cell>
              <Cell><TimeAgo time={s.lastSeenAt} /></Cell>
              <Cell className="text-right">
                {!s.current && (
                  <button type="button" className={buttonClass("secondary")} disabled={revoke.isPending} aria-label={`Revoke session from ${s.sourceIp ?? "unknown address"}`}
                    onClick={() => revoke.mutate({ id: s.id })}>
                    Revoke
                  </button>
                )}
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <div className="mt-3">
        <button type="button" className={buttonClass("secondary")} disabled={others === 0 || revokeOthers.isPending} onClick={() => revokeOthers.mutate()}
          title={others === 0 ? "No other session is open." : undefined}>
          Revoke all other sessions
        </button>
      </div>
      <ErrorText message={revoke.error?.message ?? revokeOthers.error?.message} />
      {revokeOthers.isSuccess && <Status>{revokeOthers.data.ended} other session{revokeOthers.data.ended === 1 ? "" : "s"} revoked.</Status>}
    </Section>
  );
}
