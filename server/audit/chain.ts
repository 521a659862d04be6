/**
 * The audit log's hash chain.
 *
 * Terms:
 * - **content**: the fields of an AuditEvent row that say what happened (everything but `hash`), in a fixed order.
 * - **canonical serialisation**: the JSON array of the content's values in that order, with `time` as an ISO-8601 UTC
 *   string with milliseconds and absent values as `null`. A JSON array (not an object) so no key order is involved, and
 *   JSON string escaping so no field can forge a separator.
 * - **prevHash**: the hash of the row before (by `seq`); the first row's is GENESIS (64 zeros).
 * - **hash**: hex SHA-256 of the canonical serialisation, which includes prevHash. Editing, inserting or deleting a row
 *   behind the application's back therefore breaks the chain at that row: its hash no longer matches its content, or
 *   the next row's prevHash (or seq) no longer follows it.
 *
 * What it cannot show on its own: rows removed from the end (the chain that remains is intact). Comparing the head's
 * seq and hash with a copy kept elsewhere (`hako audit verify` prints both) closes that gap.
 */
import { createHash } from "node:crypto";

export const GENESIS = "0".repeat(64);

/** The columns the hash covers, in the order they are serialised. Adding a column means adding it here, last. */
export const chainedFields = [
  "seq",
  "time",
  "actorId",
  "actorName",
  "actorRole",
  "action",
  "targetKind",
  "targetId",
  "targetName",
  "team",
  "params",
  "outcome",
  "message",
  "sourceIp",
  "userAgent",
  "requestId",
  "prevHash",
] as const;

export type ChainedContent = {
  seq: number;
  time: Date;
  prevHash: string;
} & { [K in Exclude<(typeof chainedFields)[number], "seq" | "time" | "prevHash">]: string | null };

export function canonicalSerialisation(row: ChainedContent): string {
  return JSON.stringify(
    chainedFields.map((field) => {
      const value = row[field];
      if (value instanceof Date) return value.toISOString();
      return value ?? null;
    }),
  );
}

export function chainHash(row: ChainedContent): string {
  return createHash("sha256").update(canonicalSerialisation(row), "utf8").digest("hex");
}
