"use client";
/**
 * Signing in, in up to three steps: username and password; then, when the account owes one, the code from the
 * authenticator app (two-factor on) or a new password (an admin reset it). The server keeps the half-finished sign-in
 * as a pending session that grants nothing else; each step answers which step is next.
 */
import { useMutation } from "@tanstack/react-query";
import { useRouter } from "next/navigation";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../_lib/form-errors";
import { useTRPC } from "../_trpc/client";
import { FormAlert, SubmitButton } from "./auth-card";
import { TextField } from "./text-field";

type Step = "password" | "totp";
type StepOrRenew = Step | "renew";
const noErrors: FormErrors = { fields: {}, form: undefined };

export function SignInForm({ username, step: initial = "password", next = "/" }: { username?: string | undefined; step?: "password" | "totp" | "password-change" | undefined; next?: string }) {
  const trpc = useTRPC();
  const router = useRouter();
  const [step, setStep] = useState<StepOrRenew>(initial === "password-change" ? "renew" : initial);
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const advance = (result: { next: "totp" | "password" | null }) => {
    setErrors(noErrors);
    if (result.next === "totp") setStep("totp");
    else if (result.next === "password") setStep("renew");
    else {
      router.replace(next);
      router.refresh();
    }
  };
  const onError = (error: unknown) => setErrors(formErrorsOf(error));
  const signIn = useMutation(trpc.auth.signin.mutationOptions({ onSuccess: advance, onError }));
  const verify = useMutation(trpc.auth.verifyTotp.mutationOptions({ onSuccess: advance, onError }));
  const renew = useMutation(trpc.auth.renewPassword.mutationOptions({ onSuccess: advance, onError }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const field = (name: string) => String(form.get(name) ?? "");
    setErrors(noErrors);
    if (step === "password") signIn.mutate({ username: field("username"), password: field("password") });
    else if (step === "totp") verify.mutate({ code: field("code") });
    else if (field("newPassword") !== field("confirm")) setErrors({ fields: { confirm: "The two passwords differ." }, form: undefined });
    else renew.mutate({ newPassword: field("newPassword") });
  }

  const startOver = () => {
    setErrors(noErrors);
    setStep("password");
  };

  return (
    <form key={step} onSubmit={submit} className="flex flex-col gap-4" noValidate aria-label={labels[step]}>
      {step === "password" && (
        <>
          <TextField label="Username" name="username" autoComplete="username" defaultValue={username} required error={errors.fields.username} />
          <TextField label="Password" name="password" type="password" autoComplete="current-password" required error={errors.fields.password} />
        </>
      )}
      {step === "totp" && (
        <>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">Two-factor sign-in is on{username ? ` for ${username}` : ""}. Enter the 6-digit code your authenticator app shows for Hako.</p>
          <TextField label="Code" name="code" inputMode="numeric" autoComplete="one-time-code" pattern="\d{6}" maxLength={6} required autoFocus error={errors.fields.code} />
        </>
      )}
      {step === "renew" && (
        <>
          <p className="text-sm text-zinc-600 dark:text-zinc-400">An admin reset your password. Choose a new one to continue.</p>
          <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" minLength={8} required autoFocus error={errors.fields.newPassword} />
          <TextField label="Confirm new password" name="confirm" type="password" autoComplete="new-password" required error={errors.fields.confirm} />
        </>
      )}
      <FormAlert message={errors.form} />
      {step === "password" && <SubmitButton pending={signIn.isPending} label="Sign in" pendingLabel="Signing in…" />}
      {step === "totp" && <SubmitButton pending={verify.isPending} label="Verify" pendingLabel="Checking…" />}
      {step === "renew" && <SubmitButton pending={renew.isPending} label="Set password" pendingLabel="Saving…" />}
      {step !== "password" && (
        <button type="button" onClick={startOver} className="text-sm text-zinc-600 underline hover:text-zinc-900 dark:text-zinc-400 dark:hover:text-zinc-100">
          Sign in as someone else
        </button>
      )}
    </form>
  );
}

const labels: Record<StepOrRenew, string> = { password: "Sign in", totp: "Two-factor code", renew: "Choose a new password" };
