"use client";
/** Changing one's own password: the current one, then the new one twice. Every other session is signed out. */
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { TextField } from "../text-field";
import { ErrorText, Section, Status } from "./section";

export function PasswordSection() {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const change = useMutation(trpc.account.changePassword.mutationOptions({ onError: (error) => setErrors(formErrorsOf(error)) }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const newPassword = String(form.get("newPassword") ?? "");
    setErrors({ fields: {}, form: undefined });
    if (newPassword !== form.get("confirm")) {
      setErrors({ fields: { confirm: "The two passwords differ." }, form: undefined });
      return;
    }
    change.mutate({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword }, { onSuccess: () => formElement.reset() });
  }

  return (
    <Section title="Password" intro="Changing it signs you out everywhere else.">
      <form onSubmit={submit} noValidate aria-label="Change password" className="grid max-w-md gap-3">
        <TextField label="Current password" name="currentPassword" type="password" autoComplete="current-password" required error={errors.fields.currentPassword} />
        <TextField label="New password" name="newPassword" type="password" autoComplete="new-password" minLength={8} required error={errors.fields.newPassword} />
        <TextField label="Confirm new password" name="confirm" type="password" autoComplete="new-password" required error={errors.fields.confirm} />
        <div>
          <button type="submit" className={buttonClass("primary")} disabled={change.isPending}>{change.isPending ? "Changing…" : "Change password"}</button>
        </div>
      </form>
      <ErrorText message={errors.form} />
      {change.isSuccess && (
        <Status>
          Password changed.{" "}
          {change.data.endedSessions === 0 ? "No other session was open." : `${change.data.endedSessions} other session${change.data.endedSessions === 1 ? " was" : "s were"} signed out.`}
        </Status>
      )}
    </Section>
  );
}
