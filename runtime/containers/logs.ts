/**
 * Reading a container's log (the records hako-shim appends, runtime/oci/frames.ts) the way `docker logs` shows it:
 * split into lines per stream, filtered by stream and time, the last N kept, optionally time-stamped.
 */
import { createReadStream } from "node:fs";
import { LogDecoder, type LogRecord } from "../oci/frames.js";
import { invalidArgument } from "../errors.js";

export interface LogOptions {
  stdout: boolean;
  stderr: boolean;
  /** nanoseconds since the epoch; 0n: no bound */
  sinceNs: bigint;
  untilNs: bigint;
  /** number of lines from the end; -1: all */
  tail: number;
}

export interface LogLine {
  stream: 1 | 2;
  timeNs: bigint;
  /** one line including its "\n" (the last line of a stream may lack it) */
  data: Buffer;
}

/** Parses Docker's `since`/`until` value: unix seconds with an optional fraction ("1700000000.5"), or RFC 3339. */
export function parseTimestampNs(value: string | null, field: string): bigint {
  if (value === null || value === "" || value === "0") return 0n;
  const m = /^(\d+)(?:\.(\d{1,9}))?$/.exec(value);
  if (m) return BigInt(m[1] as string) * 1_000_000_000n + BigInt((m[2] ?? "").padEnd(9, "0") || "0");
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw invalidArgument(`invalid value for "${field}": ${value}`);
  return BigInt(ms) * 1_000_000n;
}

export function parseTail(value: string | null): number {
  if (value === null || value === "" || value === "all") return -1;
  const n = Number(value);
  if (!Number.isInteger(n)) throw invalidArgument(`invalid value for "tail": ${value}`);
  return n < 0 ? -1 : n;
}

/** Splits records into lines; a line continued over several records keeps the time of its first part. */
export function recordsToLines(records: Iterable<LogRecord>): LogLine[] {
  const lines: LogLine[] = [];
  const partial: Record<1 | 2, { timeNs: bigint; parts: Buffer[] } | undefined> = { 1: undefined, 2: undefined };
  for (const r of records) {
    let off = 0;
    while (off < r.data.length) {
      const nl = r.data.indexOf(0x0a, off);
      const end = nl < 0 ? r.data.length : nl + 1;
      const piece = r.data.subarray(off, end);
      const p = partial[r.stream] ?? { timeNs: r.timeNs, parts: [] };
      p.parts.push(piece);
      if (nl < 0) {
        partial[r.stream] = p;
      } else {
        lines.push({ stream: r.stream, timeNs: p.timeNs, data: Buffer.concat(p.parts) });
        partial[r.stream] = undefined;
      }
      off = end;
    }
  }
  for (const s of [1, 2] as const) {
    const p = partial[s];
    if (p) lines.push({ stream: s, timeNs: p.timeNs, data: Buffer.concat(p.parts) });
  }
  return lines.sort((a, b) => (a.timeNs < b.timeNs ? -1 : a.timeNs > b.timeNs ? 1 : 0));
}

export function selectLines(lines: LogLine[], opts: LogOptions): LogLine[] {
  const picked = lines.filter((l) =>
    (l.stream === 1 ? opts.stdout : opts.stderr) &&
    (opts.sinceNs === 0n || l.timeNs >= opts.sinceNs) &&
    (opts.untilNs === 0n || l.timeNs <= opts.untilNs));
  return opts.tail < 0 ? picked : opts.tail === 0 ? [] : picked.slice(-opts.tail);
}

/** Every record of a log file (a missing file is an empty log; a truncated last record is left out). */
export function readLogRecords(file: string): Promise<LogRecord[]> {
  return new Promise((resolve, reject) => {
    const records: LogRecord[] = [];
    const dec = new LogDecoder();
    createReadStream(file)
      .on("data", (chunk) => {
        for (const r of dec.push(chunk as Buffer)) records.push({ ...r, data: Buffer.from(r.data) });
      })
      .on("error", (err: NodeJS.ErrnoException) => (err.code === "ENOENT" ? resolve([]) : reject(err)))
      .on("end", () => resolve(records));
  });
}

export async function readLogLines(file: string, opts: LogOptions): Promise<LogLine[]> {
  return selectLines(recordsToLines(await readLogRecords(file)), opts);
}

/** Docker's log time stamp (RFC3339NanoFixed: always nine fraction digits). */
export function formatLogTimestamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}
