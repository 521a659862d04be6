"use client";
/**
 * "Connect a container" to a network (`docker network connect`): a container not yet on it, with aliases and a fixed
 * address on a user network. Hidden from roles that may not connect.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import type { NetworkDetail } from "@/server/services/networks/list-networks";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { FormAlert } from "../auth-card";
import { buttonClass } from "../confirm-dialog";
import { Input, Select } from "../run-form/fields";

export function ConnectForm({ network, onConnected }: { network: NetworkDetail; onConnected(): void }) {
  const trpc = useTRPC();
  const permission = usePermission("network.connect");
  const containers = useQuery(trpc.containers.list.queryOptions(undefined, { enabled: permission.allowed }));
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const connect = useMutation(trpc.networks.connect.mutationOptions({
    onSuccess: () => onConnected(),
    onError: (error) => setErrors(formErrorsOf(error)),
  }));
  if (!permission.allowed) return null;
  const attached = new Set(network.attached.map((c) => c.id));
  const candidates = (containers.data ?? []).filter((c) => !attached.has(c.id));
  const userNetwork = !network.builtin;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors({ fields: {}, form: undefined });
    const form = new FormData(event.currentTarget);
    connect.mutate({
      network: network.id,
      container: String(form.get("container") ?? ""),
      aliases: String(form.get("aliases") ?? "").split(/[\s,]+/).filter(Boolean),
      ip: String(form.get("ip") ?? ""),
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Connect a container"
      className="grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 md:grid-cols-[1fr_1fr_1fr_auto] md:items-end dark:border-zinc-800 dark:bg-zinc-900">
      <h2 className="text-sm font-semibold md:col-span-4">Connect a container</h2>
      <Select label="Container" name="container" error={errors.fields.container} defaultValue="">
        <option value="" disabled>{candidates.length ? "Choose a container" : "No other containers"}</option>
        {candidates.map((c) => <option key={c.id} value={c.id}>{c.name}</option>)}
      </Select>
      {userNetwork && <Input label="Aliases" name="aliases" autoComplete="off" placeholder="none" error={errors.fields.aliases} />}
      {userNetwork && <Input label="IPv4 address" name="ip" autoComplete="off" placeholder="next free" error={errors.fields.ip} />}
      <button type="submit" className={buttonClass("secondary")} disabled={connect.isPending || candidates.length === 0}>
        {connect.isPending ? "Connecting…" : "Connect"}
      </button>
      {errors.form && <div className="md:col-span-4"><FormAlert message={errors.form} /></div>}
    </form>
  );
}
