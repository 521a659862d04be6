"use client";
/**
 * "Create network": a bridge network with an optional subnet and gateway (chosen by the engine when empty), internal
 * (no route out), labels and the team it belongs to (its `hako.team` label; team members must choose one of theirs).
 * The server's checks appear next to their fields; the engine's refusals too when they are about one field (an
 * overlapping subnet, a name already taken), else under the form.
 */
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { FormAlert } from "../auth-card";
import { buttonClass } from "../confirm-dialog";
import { Checkbox, Input, TextArea } from "../run-form/fields";
import { TeamSelect } from "../teams/team-select";

/** Which field an engine refusal is about, from its words (the engine answers in text, not per field). */
function fieldOfEngineError(message: string): string | undefined {
  if (/overlap|pool|subnet/i.test(message)) return "subnet";
  if (/gateway/i.test(message)) return "gateway";
  if (/already exists|network name/i.test(message)) return "name";
  return undefined;
}

function errorsOf(error: unknown): FormErrors {
  const errors = formErrorsOf(error);
  const field = errors.form ? fieldOfEngineError(errors.form) : undefined;
  return field ? { fields: { [field]: errors.form }, form: undefined } : errors;
}

export function CreateNetworkForm({ onCreated, onCancel }: { onCreated(name: string): void; onCancel(): void }) {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const create = useMutation(
    trpc.networks.create.mutationOptions({
      onSuccess: (created) => onCreated(created.name),
      onError: (error) => setErrors(errorsOf(error)),
    }),
  );
  const e = errors.fields;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors({ fields: {}, form: undefined });
    const form = new FormData(event.currentTarget);
    const text = (name: string) => String(form.get(name) ?? "");
    create.mutate({
      name: text("name"),
      subnet: text("subnet"),
      gateway: text("gateway"),
      internal: form.get("internal") === "on",
      labels: text("labels").split("\n").map((l) => l.trim()).filter(Boolean),
      team: text("team"),
    });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create network"
      className="mb-6 grid gap-4 rounded-lg border border-zinc-200 bg-white p-4 md:grid-cols-3 dark:border-zinc-800 dark:bg-zinc-900">
      <Input label="Network name" name="name" required autoComplete="off" placeholder="backend" error={e.name} />
      <Input label="Subnet" name="subnet" autoComplete="off" placeholder="chosen when empty" hint="IPv4 in CIDR form, e.g. 10.20.0.0/24." error={e.subnet} />
      <Input label="Gateway" name="gateway" autoComplete="off" placeholder="first address" hint="An address inside the subnet." error={e.gateway} />
      <TextArea label="Labels" name="labels" placeholder="tier=db" hint="One key=value per line." error={e.labels} />
      <Checkbox label="Internal (no route out of the network)" name="internal"
        hint="Containers reach each other, but not the host's networks or the internet." />
      <TeamSelect error={e.team} resource="network" />
      <div className="flex flex-col gap-3 md:col-span-3">
        <FormAlert message={errors.form} />
        <div className="flex gap-2">
          <button type="submit" disabled={create.isPending} className={buttonClass("primary")}>{create.isPending ? "Creating…" : "Create network"}</button>
          <button type="button" onClick={onCancel} className={buttonClass("secondary")}>Cancel</button>
        </div>
      </div>
    </form>
  );
}
