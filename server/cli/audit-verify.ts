/**
 * `hako audit verify`: checks the audit log's hash chain in the database that DATABASE_URL names (as the console
 * would open it). Prints the head (seq and hash) when intact; exits 1 naming the first broken sequence number
 * otherwise.
 */
import { describeChainReport, verifyAuditChain } from "../audit/verify";
import { closeDatabase, openDatabase } from "../db";
import { CliError, UsageError } from "./errors";

export async function auditVerify(args: string[]): Promise<void> {
  if (args.length > 0) throw new UsageError(`hako audit verify takes no arguments (got ${args.join(" ")})`);
  const db = await openDatabase();
  try {
    const report = await verifyAuditChain(db);
    if (!report.ok) throw new CliError(describeChainReport(report));
    console.log(describeChainReport(report));
  } finally {
    await closeDatabase();
  }
}
