"use client";
/** An admin creates an account: username, first password and global role. */
import { useMutation } from "@tanstack/react-query";
import { useState, type FormEvent } from "react";
import { roles } from "@/server/auth/permissions";
import { formErrorsOf, type FormErrors } from "../../_lib/form-errors";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { TextField } from "../text-field";

export function CreateUserForm({ onCreated }: { onCreated(): void }) {
  const trpc = useTRPC();
  const [errors, setErrors] = useState<FormErrors>({ fields: {}, form: undefined });
  const create = useMutation(trpc.users.create.mutationOptions({ onSuccess: onCreated, onError: (error) => setErrors(formErrorsOf(error)) }));

  function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formElement = event.currentTarget;
    const form = new FormData(formElement);
    const role = roles.find((r) => r === form.get("role")) ?? "viewer";
    setErrors({ fields: {}, form: undefined });
    create.mutate({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? ""), role }, { onSuccess: () => formElement.reset() });
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Create a user"
      className="mb-6 grid gap-3 rounded-lg border border-zinc-200 bg-white p-4 sm:grid-cols-[1fr_1fr_auto_auto] sm:items-start dark:border-zinc-800 dark:bg-zinc-900">
      <TextField label="Username" name="username" autoComplete="off" required error={errors.fields.username} />
      <TextField label="Password" name="password" type="password" autoComplete="new-password" minLength={8} required error={errors.fields.password} />
      <div className="flex flex-col gap-1">
        <label htmlFor="new-user-role" className="text-sm font-medium">Role</label>
        <select id="new-user-role" name="role" defaultValue="viewer" className="rounded-md border border-zinc-300 bg-white px-3 py-2 text-sm dark:border-zinc-700 dark:bg-zinc-900">
          {roles.map((r) => <option key={r} value={r}>{r}</option>)}
        </select>
      </div>
      <button type="submit" className={`${buttonClass("primary")} sm:mt-6`} disabled={create.isPending}>Create user</button>
      {errors.form && <p role="alert" className="text-sm text-red-700 sm:col-span-4 dark:text-red-400">{errors.form}</p>}
      {create.isSuccess && <p role="status" className="text-sm text-green-800 sm:col-span-4 dark:text-green-300">Created {create.data.role} {create.data.username}.</p>}
    </form>
  );
}
