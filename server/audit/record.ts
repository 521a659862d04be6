/**
 * The one path that writes the audit log. Every mutation (ok, error or denied) and every denied query lands here,
 * through the procedure builder in ../trpc.ts; nothing else inserts AuditEvent rows. Keeping a single writer is what
 * lets it keep the hash chain (./chain.ts): each row is appended and linked to the one before in one transaction, and
 * appends are serialised so two writers never link to the same predecessor.
 *
 * Serialisation: on SQLite the transaction's first statement is the INSERT, which takes the database's write lock at
 * once (a second process, e.g. `hako admin create` beside the console, waits on the busy timeout); on PostgreSQL a
 * transaction-scoped advisory lock does the same. Within the lock the row reads its predecessor (the highest seq
 * below its own), computes its hash and stores it. Seq values may have gaps (a rolled-back insert on PostgreSQL);
 * the chain links rows by prevHash, not by seq arithmetic.
 */
import type { Db, Prisma } from "../db";
import { chainHash, GENESIS } from "./chain";
import { redact } from "./redact";

export type AuditOutcome = "ok" | "denied" | "error";

export interface AuditActor {
  id: string | null;
  name: string;
  role: string | null;
}

export interface AuditTarget {
  kind: string;
  id?: string | null;
  name?: string | null;
}

export interface AuditSource {
  sourceIp: string | null;
  userAgent: string | null;
  requestId: string | null;
}

export interface AuditEntry {
  /** null when nobody is signed in */
  actor: AuditActor | null;
  action: string;
  target?: AuditTarget | null;
  /** the request's parameters; secrets are redacted here, callers pass them as received */
  params?: unknown;
  outcome: AuditOutcome;
  message?: string | null;
  source: AuditSource;
  time?: Date;
  /** the team that owns the target (its `hako.team` label), when it has one */
  team?: string | null;
}

/** pg_advisory_xact_lock key of audit appends: any fixed number, "HAKOAUDT" in ASCII. */
const AUDIT_APPEND_LOCK = 0x48414b4f41554454n;
/** How long an append may wait for a connection, and run, before it fails (see appendAudit). */
const APPEND_WAIT_MS = 30_000;

function isPostgres(db: Db): boolean {
  return (db as unknown as { _activeProvider?: string })._activeProvider === "postgresql";
}

export const ANONYMOUS = "anonymous";

export interface RecordOptions {
  /** more writes that must commit with the row or not at all (the engine-socket watcher's cursor) */
  inTransaction?: (tx: Prisma.TransactionClient) => Promise<unknown>;
}

export type AuditWriter = (db: Db, entry: AuditEntry, options?: RecordOptions) => Promise<void>;

let writer: AuditWriter = appendAudit;

/** Appends one event to the log (see the file's doc comment). */
export function recordAudit(db: Db, entry: AuditEntry, options: RecordOptions = {}): Promise<void> {
  return writer(db, entry, options);
}

/**
 * For bench/audit/mutation-cost.ts only: replaces the writer (with a no-op, to time a mutation without its audit
 * row) and returns the function that puts the real one back. Nothing in the console calls it.
 */
export function replaceAuditWriterForBench(replacement: AuditWriter): () => void {
  writer = replacement;
  return () => {
    writer = appendAudit;
  };
}

async function appendAudit(db: Db, entry: AuditEntry, options: RecordOptions = {}): Promise<void> {
  const { actor, target, source } = entry;
  const content = {
    time: entry.time ?? new Date(),
    actorId: actor?.id ?? null,
    actorName: actor?.name ?? ANONYMOUS,
    actorRole: actor?.role ?? null,
    action: entry.action,
    targetKind: target?.kind ?? null,
    targetId: target?.id ?? null,
    targetName: target?.name ?? null,
    team: entry.team ?? null,
    params: entry.params === undefined ? null : JSON.stringify(redact(entry.params)),
    outcome: entry.outcome,
    message: entry.message ?? null,
    sourceIp: source.sourceIp,
    userAgent: source.userAgent,
    requestId: source.requestId,
  };
  const postgres = isPostgres(db);
  // Appends queue on the lock (and for the pool's few connections): Prisma's defaults (2 s to get a connection, 5 s
  // per transaction) fail a burst of them on a busy machine, and an audit row must not be dropped for waiting.
  await db.$transaction(async (tx) => {
    if (postgres) await tx.$executeRawUnsafe(`SELECT pg_advisory_xact_lock(${AUDIT_APPEND_LOCK})`);
    const row = await tx.auditEvent.create({ data: content, select: { seq: true, time: true } });
    const previous = await tx.auditEvent.findFirst({ where: { seq: { lt: row.seq } }, orderBy: { seq: "desc" }, select: { hash: true } });
    const prevHash = previous?.hash ?? GENESIS;
    // `time` as stored (the database may round it), so that verification recomputes the same hash.
    const hash = chainHash({ ...content, seq: row.seq, time: row.time, prevHash });
    await tx.auditEvent.update({ where: { seq: row.seq }, data: { prevHash, hash } });
    await options.inTransaction?.(tx);
  }, { maxWait: APPEND_WAIT_MS, timeout: APPEND_WAIT_MS });
}
