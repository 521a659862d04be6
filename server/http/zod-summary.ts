/**
 * A one-line account of why input was refused ("password: A password has at least 8 characters."), for error messages
 * and the audit log; zod's own message is a JSON dump of its issues.
 */
import type { ZodError } from "zod";

export function summariseZodError(error: ZodError): string {
  const issues = error.issues.map((issue) => {
    const path = issue.path.map(String).join(".");
    return path ? `${path}: ${issue.message}` : issue.message;
  });
  return `Invalid input: ${issues.join("; ")}`;
}
