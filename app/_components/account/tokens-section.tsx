"use client";
/**
 * Personal API tokens: for scripts calling the console's API as `Authorization: Bearer <token>`, with the owner's
 * permissions. A new token is shown once, here; only its first characters are kept in clear afterwards.
 */
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { buttonClass, ConfirmDialog } from "../confirm-dialog";
import { EmptyState } from "../empty-state";
import { QueryError } from "../query-error";
import { Cell, Table } from "../table";
import { TextField } from "../text-field";
import { TimeAgo } from "../time-ago";
import { ErrorText, Section } from "./section";

const lifetimes = [
  { label: "7 days", days: 7 },
  { label: "30 days", days: 30 },
  { label: "90 days", days: 90 },
  { label: "1 year", days: 365 },
  { label: "Never", days: 0 },
];

export function TokensSection() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const [revoking, setRevoking] = useState<{ id: string; name: string } | null>(null);
  const tokens = useQuery(trpc.account.tokens.list.queryOptions());
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.account.tokens.list.queryKey() });
  const create = useMutation(trpc.account.tokens.create.mutationOptions({ onSuccess: refresh, onError: (error) => setErrors(formErrorsOf(error)) }));
  const revoke = useMutation(trpc.account.tokens.revoke.mutationOptions({ onSettled: refresh }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const days = Number(form.get("expires") ?? 0);
    setErrors({ fields: {}, form: undefined });
    create.mutate({ name: String(form.get("name") ?? ""), ...(days ? { expiresInDays: days } : {}) }, { onSuccess: () => formElement.reset() });
  }

  return (
    <Section title="API tokens" intro={<>For scripts: send <code className="font-mono">Authorization: Bearer &lt;token&gt;</code> to <code className="font-mono">/api/trpc</code>. A token can do what you can, and stops when revoked, expired, or your account is disabled.</>}>
      <form onSubmit={submit} noValidate aria-label="Create an API token" className="grid gap-3 sm:grid-cols-[1fr_auto_auto] sm:items-end">
        <TextField label="Token name" name="name" placeholder="e.g. CI deploy" required maxLength={100} error={errors.fields.name} />
        <div className="flex flex-col gap-1">
          <label htmlFor="token-expires" className="text-sm font-medium">Expires</label>
          <select id="token-expires" name="expires" defaultValue="30" className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
            {lifetimes.map((l) => <option key={l.label} value={l.days}>{l.label}</option>)}
          </select>
        </div>
        <button type="submit" className={buttonClass("primary")} disabled={create.isPending}>Create token</button>
      </form>
      <ErrorText message={errors.form} />
      {create.data && (
        <div role="status" className="mt-3 rounded-md border border-amber-300 bg-amber-50 p-3 text-sm dark:border-amber-800 dark:bg-amber-950">
          <p className="font-medium">Token {create.data.name} created. Copy it now: it is not shown again.</p>
          <code aria-label="New token" className="mt-2 block break-all font-mono text-xs">{create.data.token}</code>
        </div>
      )}
      <div className="mt-4">
        {tokens.data === undefined ? (
          tokens.isError ? <QueryError what="tokens" message={tokens.error.message} /> : <p className="text-sm text-zinc-500">Loading tokens…</p>
        ) : tokens.data.length === 0 ? (
          <EmptyState title="No API tokens yet">Create one above for a script or CI job that calls the console&apos;s API.</EmptyState>
        ) : (
          <Table caption="API tokens" columns={["Name", "Token", "Created", "Expires", "Last used", "Status", ""]}>
            {tokens.data.map((t) => (
              <tr key={t.id}>
                <Cell className="font-medium">{t.name}</Cell>
                <Cell className="font-mono text-xs">{t.prefix}…</Cell>
                <Cell><TimeAgo time={t.createdAt} /></Cell>
                <Cell>{t.expiresAt ? <TimeAgo time={t.expiresAt} /> : "never"}</Cell>
                <Cell>{t.lastUsedAt ? <TimeAgo time={t.lastUsedAt} /> : <span className="text-zinc-500">never</span>}</Cell>
                <Cell className={t.status === "active" ? "text-green-800 dark:text-green-300" : "text-zinc-500"}>{t.status}</Cell>
                <Cell className="text-right">
                  {t.status === "active" && (
                    <button type="button" className={buttonClass("danger")} aria-label={`Revoke token ${t.name}`} onClick={() => setRevoking({ id: t.id, name: t.name })}>
                      Revoke
                    </button>
                  )}
                </Cell>
              </tr>
            ))}
          </Table>
        )}
      </div>
      <ErrorText message={revoke.error?.message} />
      <ConfirmDialog open={revoking !== null} danger title={`Revoke token ${revoking?.name ?? ""}?`} confirmLabel="Revoke"
        onCancel={() => setRevoking(null)} onConfirm={() => { if (revoking) revoke.mutate({ id: revoking.id }); setRevoking(null); }}>
        Scripts using it are refused from the next request on. This cannot be undone; create a new token instead.
      </ConfirmDialog>
    </Section>
  );
}
