"use client";
/**
 * "Build image": a context (optional), the Dockerfile (taken from the context when it has one, editable), tags, build
 * args, target stage. Starting it records the build and runs it on the server; its progress appears below the form,
 * where the user acted, and stays at /builds/<id> (the build goes on if this page is left).
 */
import { useMutation, useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { usePermission } from "../../_lib/use-permission";
import { useTRPC } from "../../_trpc/client";
import { FormAlert } from "../auth-card";
import { buttonClass } from "../confirm-dialog";
import { Checkbox, Input, TextArea } from "../run-form/fields";
import { BuildProgress } from "./build-progress";
import { ContextUpload, type UploadedContext } from "./context-upload";
import { DockerfileEditor } from "./dockerfile-editor";

const linesOf = (value: FormDataEntryValue | null) => String(value ?? "").split("\n").map((l) => l.trim()).filter(Boolean);
const listOf = (value: FormDataEntryValue | null) => String(value ?? "").split(/[\s,]+/).filter(Boolean);

export function BuildForm() {
  const trpc = useTRPC();
  const build = usePermission("image.build");
  const settings = useQuery(trpc.builds.settings.queryOptions());
  const [context, setContext] = useState<UploadedContext | null>(null);
  const [dockerfile, setDockerfile] = useState("");
  const [buildId, setBuildId] = useState<string | null>(null);
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const start = useMutation(
    trpc.builds.start.mutationOptions({
      onSuccess: (started) => setBuildId(started.id),
      onError: (error) => setErrors(formErrorsOf(error)),
    }),
  );
  const e = errors.fields;

  function uploaded(next: UploadedContext | null) {
    setContext(next);
    if (next?.dockerfile) setDockerfile(next.dockerfile);
  }

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setErrors({ fields: {}, form: undefined });
    setBuildId(null);
    start.mutate({
      contextId: context?.id ?? null,
      contextName: context?.name ?? null,
      dockerfile,
      tags: listOf(form.get("tags")),
      buildArgs: linesOf(form.get("buildArgs")),
      target: String(form.get("target") ?? "").trim(),
      noCache: form.get("noCache") === "on",
    });
  }

  return (
    <div className="flex max-w-4xl flex-col gap-6">
      <form onSubmit={submit} noValidate aria-label="Build image" className="flex flex-col gap-6">
        <ContextUpload limit={settings.data?.contextLimit} disabled={!build.allowed} onUploaded={uploaded} />
        <DockerfileEditor value={dockerfile} onChange={setDockerfile} error={e.dockerfile}
          hint={context?.dockerfile ? `From ${context.name}/Dockerfile; your edits are what gets built.` : "Write one, or upload a context that has one."} />
        <div className="grid gap-4 md:grid-cols-2">
          <Input label="Tags" name="tags" autoComplete="off" placeholder="team/app:1.0 team/app:latest" error={e.tags}
            hint="Space- or comma-separated name:tag references." />
          <Input label="Target stage" name="target" autoComplete="off" placeholder="the last stage" error={e.target} />
          <TextArea label="Build args" name="buildArgs" placeholder={"VERSION=1.0\nNPM_TOKEN=…"} error={e.buildArgs}
            hint="One NAME=value per line. Only the names are kept in the history and the audit log." />
          <Checkbox label="Do not use the cache (--no-cache)" name="noCache" />
        </div>
        <FormAlert message={errors.form} />
        <div className="flex items-center gap-3">
          <button type="submit" disabled={start.isPending || !build.allowed} title={build.reason} className={buttonClass("primary")}>
            {start.isPending ? "Starting…" : "Build"}
          </button>
          {!build.allowed && build.reason && <p className="text-sm text-zinc-500">{build.reason}</p>}
          {buildId && <Link href={`/builds/${buildId}`} className="text-sm underline">Open this build&apos;s page</Link>}
        </div>
      </form>
      {buildId && <BuildProgress key={buildId} id={buildId} />}
    </div>
  );
}
