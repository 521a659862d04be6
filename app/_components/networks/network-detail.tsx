"use client";
/**
 * One network: its addressing and labels, the containers attached to it (each linking to its page, with its address
 * and aliases, and a Disconnect action), connecting another container, and removing the network (confirmed, naming
 * it; a network in use is refused by the engine and the page says which containers hold it).
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState, type ReactNode } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { POLL_MS } from "../engine-banner";
import { QueryError } from "../query-error";
import { StateBadge } from "../state-badge";
import { Cell, Table } from "../table";
import { TimeAgo } from "../time-ago";
import { ConnectForm } from "./connect-form";

function Row({ label, children }: { label: string; children: ReactNode }) {
  return (
    <>
      <dt className="text-zinc-500 dark:text-zinc-400">{label}</dt>
      <dd className="min-w-0 break-words">{children}</dd>
    </>
  );
}

export function NetworkDetail({ id }: { id: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const queryClient = useQueryClient();
  const removePermission = usePermission("network.remove");
  const disconnectPermission = usePermission("network.disconnect");
  const detail = useQuery(trpc.networks.inspect.queryOptions({ id }, { refetchInterval: POLL_MS }));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.networks.inspect.queryKey({ id }) });
  const [confirming, setConfirming] = useState(false);
  const remove = useMutation(trpc.networks.remove.mutationOptions({
    onSuccess: (removed) => router.push(`/networks?removed=${encodeURIComponent(removed.name)}`),
  }));
  const disconnect = useMutation(trpc.networks.disconnect.mutationOptions({ onSettled: refresh }));

  if (detail.data === undefined) {
    if (detail.isError) {
      return (
        <>
          <QueryError what={`network ${id}`} message={detail.error.message} />
          <p className="mt-3 text-sm"><Link href="/networks" className="underline">Back to the networks</Link></p>
        </>
      );
    }
    return <p className="text-sm text-zinc-500">Loading network…</p>;
  }
  const n = detail.data;
  const removeReason = n.builtin ? `${n.name} is built in: every engine has it, and it cannot be removed.` : removePermission.reason;
  const connectable = n.name !== "host" && n.name !== "none";

  return (
    <div className="flex flex-col gap-4">
      <div className="flex flex-wrap items-start justify-between gap-4">
        <div>
          <p className="text-sm"><Link href="/networks" className="text-zinc-500 hover:underline">Networks</Link></p>
          <h1 className="text-xl font-semibold">{n.name}</h1>
          <p className="mt-1 font-mono text-xs text-zinc-500" title={n.id}>{n.id.slice(0, 12)} · {n.driver}</p>
        </div>
        <button type="button" className={buttonClass("danger")} disabled={n.builtin || !removePermission.allowed || remove.isPending} title={removeReason}
          onClick={() => { remove.reset(); setConfirming(true); }}>
          {remove.isPending ? "Removing…" : "Remove"}
        </button>
      </div>
      {remove.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Could not remove {n.name}: {remove.error.message}</p>}
      {detail.isError && <QueryError what="the latest state" message={detail.error.message} />}

      <section aria-label="Overview" className="rounded-lg border border-zinc-200 bg-white p-4 dark:border-zinc-800 dark:bg-zinc-900">
        <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm">
          <Row label="Subnet"><span className="font-mono text-xs">{n.subnet ?? "none"}</span></Row>
          <Row label="Gateway"><span className="font-mono text-xs">{n.gateway ?? "none"}</span></Row>
          <Row label="Internal">{n.internal ? "yes: no route out of the network" : "no"}</Row>
          <Row label="Created">{n.created ? <TimeAgo time={n.created} /> : "—"}</Row>
          {n.team && <Row label="Team">{n.team}</Row>}
          <Row label="Labels">
            {Object.keys(n.labels).length
              ? Object.entries(n.labels).map(([k, v]) => <div key={k} className="font-mono text-xs">{k}={v}</div>)
              : <span className="text-zinc-500">none</span>}
          </Row>
          {Object.entries(n.options).map(([k, v]) => <Row key={k} label={k.replace(/^com\.docker\.network\./, "")}><span className="font-mono text-xs">{v}</span></Row>)}
        </dl>
      </section>

      <section aria-label="Attached containers" className="flex flex-col gap-2">
        <h2 className="text-sm font-semibold">Attached containers ({n.attached.length})</h2>
        {disconnect.error && <p role="alert" className="text-sm text-red-700 dark:text-red-400">Could not disconnect: {disconnect.error.message}</p>}
        {n.attached.length === 0 ? (
          <p className="text-sm text-zinc-500">No containers on this network. {connectable ? "Run one on it from the run form, or connect one below." : ""}</p>
        ) : (
          <Table caption={`Containers attached to ${n.name}`} columns={["Name", "State", "IPv4 address", "Aliases", "MAC address", ""]}>
            {n.attached.map((c) => (
              <tr key={c.id}>
                <Cell className="font-medium"><Link href={`/containers/${encodeURIComponent(c.id)}`} className="hover:underline" title={c.id}>{c.name}</Link></Cell>
                <Cell><StateBadge state={c.state} /></Cell>
                <Cell className="font-mono text-xs">{c.ipv4 ?? <span className="text-zinc-500">none</span>}</Cell>
                <Cell className="font-mono text-xs">{c.aliases.length ? c.aliases.join(", ") : <span className="text-zinc-500">—</span>}</Cell>
                <Cell className="font-mono text-xs">{c.mac ?? "—"}</Cell>
                <Cell className="text-right">
                  {connectable && (
                    <button type="button" className={buttonClass("secondary")} aria-label={`Disconnect ${c.name}`} title={disconnectPermission.reason}
                      disabled={!disconnectPermission.allowed || disconnect.isPending}
                      onClick={() => disconnect.mutate({ network: n.id, container: c.id })}>
                      Disconnect
                    </button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </section>

      {connectable && <ConnectForm network={n} onConnected={refresh} />}

      <ConfirmDialog open={confirming} danger title={`Remove network ${n.name}?`} confirmLabel="Remove network"
        onCancel={() => setConfirming(false)} onConfirm={() => { setConfirming(false); remove.mutate({ id: n.id }); }}>
        Its bridge goes away. A network with containers attached cannot be removed: disconnect or remove them first.
      </ConfirmDialog>
    </div>
  );
}
