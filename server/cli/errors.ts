/**
 * Failures `hako` expects and explains in one line (no stack trace): a usage error (exit code 2, like most Unix tools)
 * and an operational one such as a failed build or an engine that does not come up (exit code 1). Anything else is a
 * bug and is printed with its stack.
 */

export class UsageError extends Error {
  override readonly name = "UsageError";
}

export class CliError extends Error {
  override readonly name = "CliError";
}
