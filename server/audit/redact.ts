/**
 * Removes secrets from parameters before they are written to the audit log. The log must show what was asked for
 * (which image, which command) without becoming a store of passwords, tokens or environment values.
 */
import { createHash } from "node:crypto";

export const REDACTED = "[redacted]";

const secretKey = /pass(word|phrase)?|secret|token|credential|authorization|cookie|api[-_]?key|private[-_]?key/i;
/** A one-time (two-factor) code: short-lived, but a code seen in the log must not be usable within its window. */
const oneTimeCodeKey = /^(code|otp|totpCode)$/i;
/** Container environment and build args: `["KEY=value", …]` keeps the names (useful to an auditor) and drops the values. */
const envKey = /^(env|buildArgs)$/i;
/** A Dockerfile's text is audited as its digest: which Dockerfile, without copying it (or what it embeds) into the log. */
const dockerfileKey = /^dockerfile$/i;

export function redact(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(redact);
  if (value === null || typeof value !== "object") return value;
  if (value instanceof Date) return value;
  const out: Record<string, unknown> = {};
  for (const [key, inner] of Object.entries(value)) {
    if (secretKey.test(key) || oneTimeCodeKey.test(key)) out[key] = REDACTED;
    else if (envKey.test(key) && Array.isArray(inner)) out[key] = inner.map(redactEnvEntry);
    else if (dockerfileKey.test(key) && typeof inner === "string") out[key] = `sha256:${createHash("sha256").update(inner).digest("hex")}`;
    else out[key] = redact(inner);
  }
  return out;
}

function redactEnvEntry(entry: unknown): unknown {
  if (typeof entry !== "string") return REDACTED;
  const eq = entry.indexOf("=");
  return eq < 0 ? entry : `${entry.slice(0, eq)}=${REDACTED}`;
}
