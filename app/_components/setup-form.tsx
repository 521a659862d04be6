"use client";
/** First-run setup: the first admin's username and password. */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../_lib/form-errors";
import { useTRPC } from "../_trpc/client";
import { FormAlert, SubmitButton } from "./auth-card";
import { TextField } from "./text-field";

export function SetupForm() {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const setup = useMutation(
    trpc.auth.setup.mutationOptions({
      onSuccess: (admin) => router.push(`/signin?created=${encodeURIComponent(admin.username)}`),
      onError: (error) => setErrors(formErrorsOf(error)),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const username = String(form.get("username") ?? "");
    const password = String(form.get("password") ?? "");
    if (password !== form.get("confirm")) {
      setErrors({ fields: { confirm: "The two passwords differ." }, form: undefined });
      return;
    }
    setErrors({ fields: {}, form: undefined });
    setup.mutate({ username, password });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <TextField label="Username" name="username" autoComplete="username" required error={errors.fields.username} />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" required minLength={8} error={errors.fields.password} />
      <TextField label="Confirm password" name="confirm" type="password" autoComplete="new-password" required error={errors.fields.confirm} />
      <FormAlert message={errors.form} />
      <SubmitButton pending={setup.isPending} label="Create admin" pendingLabel="Creating…" />
    </form>
  );
}
