/**
 * Splits a failed mutation into what goes next to each field (zod's field errors from the server's formatter) and what
 * goes under the form.
 */
import { TRPCClientError } from "@trpc/client";

export interface FormErrors {
  fields: Record<string, string | undefined>;
  form: string | undefined;
}

export function formErrorsOf(error: unknown): FormErrors {
  if (!(error instanceof TRPCClientError)) return { fields: {}, form: "Something went wrong; try again." };
  const data = error.data as { zodError?: { fieldErrors?: Record<string, string[] | undefined> } | null } | undefined;
  const fieldErrors = data?.zodError?.fieldErrors;
  if (fieldErrors) {
    const fields = Object.fromEntries(Object.entries(fieldErrors).map(([name, messages]) => [name, messages?.[0]]));
    return { fields, form: undefined };
  }
  return { fields: {}, form: error.message };
}
