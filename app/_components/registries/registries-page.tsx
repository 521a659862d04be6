"use client";
/**
 * The team's registries. Admins add one (address, and a username with a password or token, stored encrypted), test it
 * (`docker login` through the engine) and remove it; operators see the list their pulls and pushes use.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState } from "react";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { EmptyState } from "../empty-state";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TextField } from "../text-field";
import { TimeAgo } from "../time-ago";

function AddRegistryForm({ onAdded }: { onAdded(): void }) {
  const trpc = useTRPC();
  const [address, setAddress] = useState("");
  const [username, setUsername] = useState("");
  const [password, setPassword] = useState("");
  const add = useMutation(trpc.registries.add.mutationOptions({
    onSuccess: () => { setAddress(""); setUsername(""); setPassword(""); onAdded(); },
  }));
  return (
    <form aria-label="Add a registry" className="mb-6 grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-[1fr_1fr_1fr_auto] sm:items-end dark:border-zinc-800 dark:bg-zinc-900"
      onSubmit={(e) => { e.preventDefault(); add.mutate({ address, username: username || undefined, password: password || undefined }); }}>
      <TextField label="Address" placeholder="registry.example.com or 127.0.0.1:5000" value={address} onChange={(e) => setAddress(e.target.value)} required />
      <TextField label="Username" autoComplete="off" value={username} onChange={(e) => setUsername(e.target.value)} />
      <TextField label="Password or token" type="password" autoComplete="new-password" value={password} onChange={(e) => setPassword(e.target.value)} />
      <button type="submit" className={buttonClass("primary")} disabled={add.isPending || !address.trim()}>Add registry</button>
      {add.error && <p role="alert" className="text-sm text-red-700 sm:col-span-4 dark:text-red-400">{add.error.message}</p>}
      <p className="text-xs text-zinc-500 sm:col-span-4">Passwords and tokens are encrypted (AES-256-GCM) with a key kept outside the database, in the console&apos;s data directory. Leave them empty for anonymous access.</p>
    </form>
  );
}

export function RegistriesPage() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const manage = usePermission("registry.add");
  const registries = useQuery(trpc.registries.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.registries.list.queryKey() });
  const test = useMutation(trpc.registries.test.mutationOptions({ onSettled: refresh }));
  const remove = useMutation(trpc.registries.remove.mutationOptions({ onSettled: refresh }));
  const [removing, setRemoving] = useState<{ id: string; address: string } | null>(null);

  return (
    <>
      <h1 className="mb-4 text-xl font-semibold">Registries</h1>
      {manage.allowed && <AddRegistryForm onAdded={refresh} />}
      {test.error && <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">Test failed: {test.error.message}</p>}
      {remove.error && <p role="alert" className="mb-3 text-sm text-red-700 dark:text-red-400">{remove.error.message}</p>}
      {registries.data === undefined ? (
        registries.isError ? <QueryError what="registries" message={registries.error.message} /> : <p className="text-sm text-zinc-500">Loading registries…</p>
      ) : registries.data.length === 0 ? (
        <EmptyState title="No registries yet">
          Registries are where images are pulled from and pushed to. {manage.allowed ? "Add one above, with credentials if it needs them." : "An admin adds them."} Docker Hub works anonymously without one.
        </EmptyState>
      ) : (
        <Table caption="Registries" columns={["Address", "User", "Last test", "Added", ""]}>
          {registries.data.map((r) => (
            <tr key={r.id}>
              <Cell className="font-mono font-medium">{r.address}</Cell>
              <Cell>{r.username ?? <span className="text-zinc-500">anonymous</span>}</Cell>
              <Cell>
                {r.lastTestedAt ? (
                  <span role="status" aria-label={`Test of ${r.address}`} className={r.lastTestOk ? "text-green-700 dark:text-green-400" : "text-red-700 dark:text-red-400"}>
                    {r.lastTestOk ? "OK" : "Failed"}: {r.lastTestMessage} (<TimeAgo time={r.lastTestedAt} />)
                  </span>
                ) : <span className="text-zinc-500">not tested</span>}
              </Cell>
              <Cell className="text-xs text-zinc-500">by {r.createdBy}, <TimeAgo time={r.createdAt} /></Cell>
              <Cell className="whitespace-nowrap text-right">
                <button type="button" className={buttonClass("secondary")} disabled={!manage.allowed || test.isPending} title={manage.reason} aria-label={`Test ${r.address}`}
                  onClick={() => test.mutate({ id: r.id })}>
                  {test.isPending && test.variables?.id === r.id ? "Testing…" : "Test"}
                </button>{" "}
                <button type="button" className={buttonClass("danger")} disabled={!manage.allowed} title={manage.reason} aria-label={`Remove ${r.address}`}
                  onClick={() => setRemoving({ id: r.id, address: r.address })}>
                  Remove
                </button>
              </Cell>
            </tr>
          ))}
        </Table>
      )}
      <ConfirmDialog open={removing !== null} danger title={`Remove registry ${removing?.address ?? ""}?`} confirmLabel="Remove"
        onCancel={() => setRemoving(null)} onConfirm={() => { if (removing) remove.mutate({ id: removing.id }); setRemoving(null); }}>
        Its stored credentials are deleted; pulls and pushes to it then go anonymously.
      </ConfirmDialog>
    </>
  );
}
