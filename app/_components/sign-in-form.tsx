"use client";
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../_lib/form-errors";
import { useTRPC } from "../_trpc/client";
import { FormAlert, SubmitButton } from "./auth-card";
import { TextField } from "./text-field";

export function SignInForm({ username }: { username?: string | undefined }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const signIn = useMutation(
    trpc.auth.signin.mutationOptions({
      onSuccess: () => {
        router.replace("/");
        router.refresh();
      },
      onError: (error) => setErrors(formErrorsOf(error)),
    }),
  );

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setErrors({ fields: {}, form: undefined });
    signIn.mutate({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
  }

  return (
    <form onSubmit={submit} className="flex flex-col gap-4" noValidate>
      <TextField label="Username" name="username" autoComplete="username" defaultValue={username} required error={errors.fields.username} />
      <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors.fields.password} />
      <FormAlert message={errors.form} />
      <SubmitButton pending={signIn.isPending} label="Sign in" pendingLabel="Signing in…" />
    </form>
  );
}
