"use client";
/**
 * Two-factor sign-in (TOTP): set up in two steps — the secret and its otpauth:// link are shown as text for the
 * authenticator app, then a code from the app turns it on — and turned off with a current code or the password.
 */
import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { TextField } from "../text-field";
import { ErrorText, Section, Status } from "./section";

const noErrors: FormErrors = { fields: {}, form: undefined };

export function TwoFactorSection({ enabled }: { enabled: boolean }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [errors, setErrors] = useState<FormErrors>(noErrors);
  const onError = (error: unknown) => setErrors(formErrorsOf(error));
  const refresh = () => void queryClient.invalidateQueries({ queryKey: trpc.account.me.queryKey() });
  const enrol = useMutation(trpc.account.totp.enrol.mutationOptions({ onError, onSuccess: () => setErrors(noErrors) }));
  const enable = useMutation(trpc.account.totp.enable.mutationOptions({ onError, onSuccess: () => { enrol.reset(); refresh(); } }));
  const disable = useMutation(trpc.account.totp.disable.mutationOptions({ onError, onSuccess: refresh }));

  function turnOn(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setErrors(noErrors);
    enable.mutate({ code: String(new FormData(event.currentTarget).get("code") ?? "") });
  }

  function turnOff(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const code = String(form.get("code") ?? "").trim();
    const password = String(form.get("password") ?? "");
    setErrors(noErrors);
    disable.mutate(code ? { code } : { password });
  }

  return (
    <Section title="Two-factor sign-in" intro="With it on, signing in also asks for a 6-digit code from an authenticator app (any TOTP app).">
      {enabled ? (
        <>
          <p className="text-sm font-medium text-green-800 dark:text-green-300">Two-factor sign-in is on.</p>
          <form onSubmit={turnOff} noValidate aria-label="Turn off two-factor sign-in" className="mt-3 grid max-w-md gap-3">
            <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} error={errors.fields.code} />
            <TextField label="Or your password" name="password" type="password" autoComplete="current-password" error={errors.fields.password} />
            <div><button type="submit" className={buttonClass("danger")} disabled={disable.isPending}>Turn off two-factor sign-in</button></div>
          </form>
        </>
      ) : enrol.data ? (
        <>
          <ol className="list-decimal space-y-2 pl-5 text-sm">
            <li>
              In the authenticator app, add an account with this secret key (time-based):{" "}
              <code aria-label="Secret key" className="break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono dark:bg-zinc-800">{enrol.data.secret}</code>
            </li>
            <li>
              Or, where the app takes a setup link:{" "}
              <code aria-label="Setup link" className="break-all rounded bg-zinc-100 px-1.5 py-0.5 font-mono text-xs dark:bg-zinc-800">{enrol.data.uri}</code>
            </li>
            <li>Enter the code the app now shows, to prove it has the key.</li>
          </ol>
          <form onSubmit={turnOn} noValidate aria-label="Confirm two-factor sign-in" className="mt-3 grid max-w-md gap-3">
            <TextField label="Code from the app" name="code" inputMode="numeric" autoComplete="one-time-code" maxLength={6} required error={errors.fields.code} />
            <div><button type="submit" className={buttonClass("primary")} disabled={enable.isPending}>Turn on</button></div>
          </form>
        </>
      ) : (
        <button type="button" className={buttonClass("primary")} disabled={enrol.isPending} onClick={() => enrol.mutate()}>
          Set up two-factor sign-in
        </button>
      )}
      <ErrorText message={errors.form} />
      {enable.isSuccess && enabled && <Status>Two-factor sign-in is now on.</Status>}
      {disable.isSuccess && !enabled && <Status>Two-factor sign-in is off.</Status>}
    </Section>
  );
}
