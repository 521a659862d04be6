/**
 * `hako`, the umbrella command. Failures are translated to exit codes here, at the edge: 2 for a usage error, 1 for
 * anything else, with the message on stderr.
 */
import { TRPCError } from "@trpc/server";
import { ZodError } from "zod";
import { summariseZodError } from "../http/zod-summary";
import { CliError, UsageError } from "./errors";
import { usage } from "./usage";

async function main(argv: string[]): Promise<void> {
  const [command, ...rest] = argv;
  // Loaded on demand: `hako up` pulls in Next.js, which `hako --help` should not wait for.
  if (command === "up") return (await import("./up")).up(rest);
  if (command === "admin" && rest[0] === "create") return (await import("./admin-create")).adminCreate(rest.slice(1));
  if (command === "user" && rest[0] === "create") return (await import("./admin-create")).userCreate(rest.slice(1));
  if (command === "audit" && rest[0] === "verify") return (await import("./audit-verify")).auditVerify(rest.slice(1));
  if (command === undefined || command === "help" || command === "--help" || command === "-h") {
    process.stdout.write(usage);
    return;
  }
  throw new UsageError(`unknown command: ${argv.join(" ")}`);
}

main(process.argv.slice(2)).catch((err: unknown) => {
  if (err instanceof UsageError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) {
    process.stderr.write(`hako: ${(err as Error).message}\nRun hako --help for usage.\n`);
    process.exit(2);
  }
  if (err instanceof CliError) {
    process.stderr.write(`hako: ${err.message}\n`);
    process.exit(1);
  }
  if (err instanceof TRPCError) {
    process.stderr.write(`hako: ${err.cause instanceof ZodError ? summariseZodError(err.cause) : err.message}\n`);
    process.exit(1);
  }
  process.stderr.write(`hako: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exit(1);
});
