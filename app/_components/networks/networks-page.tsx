"use client";
/**
 * The engine's networks: the built-in ones (bridge, host, none) and those users made, with their addressing and how
 * many containers are attached, refreshed every two seconds. Operators create one here; each opens to its detail.
 */
import { useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { POLL_MS } from "../engine-banner";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TimeAgo } from "../time-ago";
import { CreateNetworkForm } from "./create-network-form";

const columns = ["Name", "Driver", "Subnet", "Gateway", "Internal", "Containers", "Created"];

export function NetworksPage({ removed }: { removed?: string | undefined }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const create = usePermission("network.create");
  const networks = useQuery(trpc.networks.list.queryOptions(undefined, { refetchInterval: POLL_MS }));
  const [creating, setCreating] = useState(false);
  const [created, setCreated] = useState<string | null>(null);

  return (
    <>
      <div className="mb-4 flex items-center justify-between">
        <h1 className="text-xl font-semibold">Networks</h1>
        <button type="button" className={buttonClass("primary")} disabled={!create.allowed || creating} title={create.reason}
          onClick={() => { setCreating(true); setCreated(null); }}>
          New network
        </button>
      </div>
      {removed && <p role="status" className="mb-3 text-sm text-emerald-700 dark:text-emerald-400">Removed network {removed}.</p>}
      {created && <p role="status" className="mb-3 text-sm text-emerald-700 dark:text-emerald-400">Created network {created}.</p>}
      {creating && (
        <CreateNetworkForm
          onCancel={() => setCreating(false)}
          onCreated={(name) => {
            setCreating(false);
            setCreated(name);
            void queryClient.invalidateQueries({ queryKey: trpc.networks.list.queryKey() });
          }}
        />
      )}
      {networks.data === undefined ? (
        networks.isError ? <QueryError what="networks" message={networks.error.message} /> : <p className="text-sm text-zinc-500">Loading networks…</p>
      ) : (
        <>
          <Table caption="Networks" columns={columns}>
            {networks.data.map((n) => (
              <tr key={n.id}>
                <Cell className="font-medium">
                  <Link href={`/networks/${encodeURIComponent(n.id)}`} title={n.id} className="hover:underline">{n.name}</Link>
                  {n.builtin && <span className="ml-2 rounded bg-zinc-100 px-1.5 py-0.5 text-xs font-normal text-zinc-600 dark:bg-zinc-800 dark:text-zinc-300">built-in</span>}
                </Cell>
                <Cell>{n.driver}</Cell>
                <Cell className="font-mono text-xs">{n.subnet ?? <span className="text-zinc-500">—</span>}</Cell>
                <Cell className="font-mono text-xs">{n.gateway ?? <span className="text-zinc-500">—</span>}</Cell>
                <Cell>{n.internal ? "yes" : "no"}</Cell>
                <Cell className="tabular-nums">{n.containers}</Cell>
                <Cell>{n.created ? <TimeAgo time={n.created} /> : <span className="text-zinc-500">—</span>}</Cell>
              </tr>
            ))}
          </Table>
          {networks.data.every((n) => n.builtin) && (
            <p className="mt-4 text-sm text-zinc-600 dark:text-zinc-400">
              No user networks yet. Containers on a network you create reach each other by name; {create.allowed ? "create one with New network." : "an operator creates them."}
            </p>
          )}
        </>
      )}
    </>
  );
}
