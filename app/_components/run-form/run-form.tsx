"use client";
/**
 * "Run container": the `docker run -d` options that make sense from a browser. The server's
 * schema (server/services/containers/run-spec.ts) judges the input; its messages appear next to their fields, the
 * engine's errors under the form. On success the new container's page opens.
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { restartPolicies, type RunInput } from "@/server/services/containers/run-spec";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { FormAlert } from "../auth-card";
import { TeamSelect } from "../teams/team-select";
import { buttonClass } from "../confirm-dialog";
import { Checkbox, Input, Select, TextArea } from "./fields";
import { NetworkingFields, readNetworking } from "./networking-fields";

const linesOf = (value: FormDataEntryValue | null) => String(value ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
const listOf = (value: FormDataEntryValue | null) => String(value ?? "").split(/[\s,]+/).filter(Boolean);
const text = (form: FormData, name: string) => String(form.get(name) ?? "");

export function readRunForm(form: FormData): RunInput {
  return {
    image: text(form, "image"),
    name: text(form, "name"),
    command: text(form, "command"),
    env: linesOf(form.get("env")),
    workdir: text(form, "workdir"),
    user: text(form, "user"),
    volumes: linesOf(form.get("volumes")),
    memory: text(form, "memory"),
    cpus: text(form, "cpus"),
    pidsLimit: text(form, "pidsLimit"),
    restart: text(form, "restart") as RunInput["restart"],
    maxRetries: text(form, "maxRetries"),
    readOnly: form.get("readOnly") === "on",
    tty: form.get("tty") === "on",
    interactive: form.get("interactive") === "on",
    init: form.get("init") === "on",
    privileged: form.get("privileged") === "on",
    capAdd: listOf(form.get("capAdd")),
    capDrop: listOf(form.get("capDrop")),
    labels: linesOf(form.get("labels")),
    ...readNetworking(form),
    team: text(form, "team"),
  };
}

export function RunForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const create = usePermission("container.create");
  const privileged = usePermission("container.create.privileged");
  const images = useQuery(trpc.images.list.queryOptions());
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const [restart, setRestart] = useState<string>("no");
  const run = useMutation(
    trpc.containers.create.mutationOptions({
      onSuccess: (created) => router.push(`/containers/${encodeURIComponent(created.id)}`),
      onError: (error) => setErrors(formErrorsOf(error)),
    }),
  );
  const tags = images.data?.flatMap((image) => image.tags) ?? [];
  const e = errors.fields;

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors({ fields: {}, form: undefined });
    run.mutate(readRunForm(new FormData(event.currentTarget)));
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Run container" className="flex max-w-4xl flex-col gap-6">
      <fieldset className="grid gap-4 md:grid-cols-2">
        <legend className="mb-2 text-sm font-semibold">What to run</legend>
        <Input label="Image" name="image" list="run-images" required autoComplete="off" defaultValue={tags[0] ?? ""} key={tags[0] ?? "none"} error={e.image}
          hint={images.data && tags.length === 0 ? "No tagged images on the engine yet: load or pull one first." : "An image on the engine, e.g. busybox:latest."} />
        <datalist id="run-images">{tags.map((tag) => <option key={tag} value={tag} />)}</datalist>
        <Input label="Name" name="name" autoComplete="off" placeholder="generated when empty" error={e.name} />
        <TeamSelect error={e.team} />
        <Input label="Command" name="command" autoComplete="off" placeholder="image default" error={e.command}
          hint={<>Split like a shell would: <code>sh -c &apos;echo hi; sleep 60&apos;</code>. Nothing is expanded.</>} />
        <Input label="Working directory" name="workdir" autoComplete="off" placeholder="image default" error={e.workdir} />
        <Input label="User" name="user" autoComplete="off" placeholder="image default" hint="user, uid, user:group or uid:gid" error={e.user} />
        <TextArea label="Environment" name="env" placeholder={"KEY=value\nOTHER=value"} hint="One NAME=value per line. Values are kept out of the audit log." error={e.env} />
        <TextArea label="Volumes" name="volumes" placeholder={"/host/path:/data:ro\nvolume-name:/cache"} hint="One source:/path[:ro] per line: a host path or a volume name." error={e.volumes} />
        <TextArea label="Labels" name="labels" placeholder="team=web" hint="One key=value per line." error={e.labels} />
      </fieldset>

      <NetworkingFields errors={e} />

      <fieldset className="grid gap-4 md:grid-cols-4">
        <legend className="mb-2 text-sm font-semibold">Limits and restart</legend>
        <Input label="Memory" name="memory" placeholder="unlimited" hint="e.g. 256m, 1g" error={e.memory} />
        <Input label="CPUs" name="cpus" inputMode="decimal" placeholder="unlimited" hint="e.g. 0.5, 2" error={e.cpus} />
        <Input label="PIDs limit" name="pidsLimit" inputMode="numeric" placeholder="unlimited" error={e.pidsLimit} />
        <Select label="Restart policy" name="restart" value={restart} onChange={(ev) => setRestart(ev.target.value)} error={e.restart}>
          {restartPolicies.map((policy) => <option key={policy}>{policy}</option>)}
        </Select>
        {restart === "on-failure" && <Input label="Maximum retries" name="maxRetries" inputMode="numeric" placeholder="no limit" error={e.maxRetries} />}
      </fieldset>

      <fieldset className="grid gap-4 md:grid-cols-3">
        <legend className="mb-2 text-sm font-semibold">Process and security</legend>
        <Checkbox label="Allocate a TTY (-t)" name="tty" />
        <Checkbox label="Keep stdin open (-i)" name="interactive" />
        <Checkbox label="Run an init process (--init)" name="init" />
        <Checkbox label="Read-only root filesystem" name="readOnly" />
        <Checkbox label="Privileged" name="privileged" disabled={!privileged.allowed} title={privileged.reason}
          hint={privileged.allowed ? "Lifts the default isolation: every capability and device." : "Only admins may run privileged containers."} error={e.privileged} />
        <div />
        <Input label="Add capabilities" name="capAdd" placeholder="NET_ADMIN SYS_TIME" error={e.capAdd} />
        <Input label="Drop capabilities" name="capDrop" placeholder="ALL" error={e.capDrop} />
      </fieldset>

      <FormAlert message={errors.form} />
      <div className="flex items-center gap-3">
        <button type="submit" disabled={run.isPending || !create.allowed} title={create.reason} className={buttonClass("primary")}>
          {run.isPending ? "Starting…" : "Run container"}
        </button>
        {!create.allowed && create.reason && <p className="text-sm text-zinc-500">{create.reason}</p>}
      </div>
    </form>
  );
}
