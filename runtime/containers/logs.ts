/**
 * What `docker logs` shows of a container's log: the records hako-shim appends (runtime/native/README.md, "Log file")
 * turned into lines of the chosen streams, filtered by time, the last N kept, optionally time-stamped, written as
 * Docker's multiplexed stream (or raw bytes for a tty container).
 *
 * Terms:
 * - a **record** is one write of the container as the shim logged it: stream, time (ns since the epoch), bytes;
 * - a **line** ends with "\n" (the last one of a stream may not have ended yet); it may be spread over several
 *   records and has the time of the record it **starts** in. Time filters and `tail` count lines, so a line is shown
 *   whole or not at all, and `--timestamps` stamps it once, where it starts.
 *
 * Lines are written as their pieces arrive (no line is held back or copied whole), in the order of the log. The work
 * per record is a few integer reads and one copy; records are only searched for "\n" where lines matter (time filters
 * on a record that continues a line, `tail`, `timestamps`). Times are compared as two 32-bit halves: no BigInt per
 * record.
 *
 * Docker applies `tail` before the stream and time filters (so `--tail 5 --since X` may show fewer than five lines
 * although more match); here `tail` counts the lines that pass the filters, which is what the user asked for.
 */
import { invalidArgument } from "../errors.js";
import type { BatchWriter } from "./batch-writer.js";

export interface LogFilter {
  stdout: boolean;
  stderr: boolean;
  /** nanoseconds since the epoch; 0n: no bound */
  sinceNs: bigint;
  /** nanoseconds since the epoch; 0n: no bound */
  untilNs: bigint;
}

export interface LogViewOptions extends LogFilter {
  /** number of lines from the end; -1: all */
  tail: number;
  /** prefix every line with the time it was written (RFC 3339, nine fraction digits) */
  timestamps: boolean;
  /** Docker's multiplexed stream (a header per frame); false for a tty container: the raw bytes */
  multiplexed: boolean;
}

/** One record: stream 1 (stdout) or 2 (stderr), time as high and low 32 bits of the ns, bytes `buf[start, end)`. */
export type RecordVisitor = (stream: 1 | 2, hi: number, lo: number, buf: Buffer, start: number, end: number) => void;

export function parseTail(value: string | null): number {
  if (value === null || value === "" || value === "all") return -1;
  const n = Number(value);
  if (!Number.isInteger(n)) throw invalidArgument(`invalid value for "tail": ${value}`);
  return n < 0 ? -1 : n;
}

/** Docker's log time stamp (RFC3339NanoFixed: always nine fraction digits). */
export function formatLogTimestamp(ns: bigint): string {
  const ms = Number(ns / 1_000_000n);
  const base = new Date(ms).toISOString().slice(0, 19);
  return `${base}.${(ns % 1_000_000_000n).toString().padStart(9, "0")}Z`;
}

const NL = 0x0a;

/**
 * Position of the first "\n" in buf[from, end), or -1; never looks past `end`. `view` is buf[base, end) when the caller
 * searches one record several times (one view per record, not one per line).
 */
function newlineIn(buf: Buffer, from: number, end: number, view?: Buffer, base = 0): number {
  if (end - from <= 32) {
    for (let i = from; i < end; i++) if (buf[i] === NL) return i;
    return -1;
  }
  if (view) {
    const i = view.indexOf(NL, from - base);
    return i < 0 ? -1 : base + i;
  }
  const i = buf.subarray(from, end).indexOf(NL);
  return i < 0 ? -1 : from + i;
}

/** The since/until window over record times given as 32-bit halves. */
class TimeWindow {
  readonly bounded: boolean;
  private readonly sinceHi: number;
  private readonly sinceLo: number;
  private readonly untilHi: number;
  private readonly untilLo: number;
  private readonly hasSince: boolean;
  private readonly hasUntil: boolean;

  constructor(sinceNs: bigint, untilNs: bigint) {
    this.hasSince = sinceNs > 0n;
    this.hasUntil = untilNs > 0n;
    this.bounded = this.hasSince || this.hasUntil;
    this.sinceHi = Number(sinceNs >> 32n);
    this.sinceLo = Number(sinceNs & 0xffffffffn);
    this.untilHi = Number(untilNs >> 32n);
    this.untilLo = Number(untilNs & 0xffffffffn);
  }

  contains(hi: number, lo: number): boolean {
    if (this.hasSince && (hi < this.sinceHi || (hi === this.sinceHi && lo < this.sinceLo))) return false;
    return !this.pastUntil(hi, lo);
  }

  pastUntil(hi: number, lo: number): boolean {
    return this.hasUntil && (hi > this.untilHi || (hi === this.untilHi && lo > this.untilLo));
  }
}

/** Counts the lines a view would show (for `tail`: how many to skip). */
export class LineCounter {
  count = 0;
  private readonly atLineStart: [boolean, boolean, boolean] = [true, true, true];
  private readonly window: TimeWindow;

  constructor(private readonly filter: LogFilter) {
    this.window = new TimeWindow(filter.sinceNs, filter.untilNs);
  }

  readonly visit: RecordVisitor = (stream, hi, lo, buf, start, end) => {
    if (start === end || !(stream === 1 ? this.filter.stdout : this.filter.stderr)) return;
    if (this.window.contains(hi, lo)) {
      let p = start;
      if (!this.atLineStart[stream]) {
        const nl = newlineIn(buf, p, end);
        p = nl < 0 ? end : nl + 1;
      }
      const view = end - p > 32 ? buf.subarray(p, end) : undefined;
      const base = p;
      while (p < end) {
        this.count++;
        const nl = newlineIn(buf, p, end, view, base);
        p = nl < 0 ? end : nl + 1;
      }
    }
    this.atLineStart[stream] = buf[end - 1] === NL;
  };
}

/** Writes the lines of a view to a {@link BatchWriter}. */
export class LogRenderer {
  /** lines still to leave out from the start (set from a {@link LineCounter} for `tail`) */
  skip = 0;
  /** a record later than `until` was seen: nothing after it can be shown */
  pastUntil = false;
  private readonly atLineStart: [boolean, boolean, boolean] = [true, true, true];
  /** whether the line a stream is in the middle of is shown */
  private readonly shown: [boolean, boolean, boolean] = [false, false, false];
  private readonly window: TimeWindow;
  private stampHi = -1;
  private stampLo = -1;
  private stamp = Buffer.alloc(0);

  constructor(private readonly opts: LogViewOptions, private readonly out: BatchWriter) {
    this.window = new TimeWindow(opts.sinceNs, opts.untilNs);
  }

  readonly visit: RecordVisitor = (stream, hi, lo, buf, start, end) => {
    if (this.window.pastUntil(hi, lo)) this.pastUntil = true;
    if (start === end || !(stream === 1 ? this.opts.stdout : this.opts.stderr)) return;
    let p = start;
    if (!this.atLineStart[stream]) {
      // the rest of a line that began in an earlier record
      if (this.shown[stream] && this.skip === 0 && !this.window.bounded && !this.opts.timestamps) {
        // it is shown, and so is every line after it: no need to know where it ends
        this.piece(stream, buf, p, end);
        this.atLineStart[stream] = buf[end - 1] === NL;
        return;
      }
      const nl = newlineIn(buf, p, end);
      const pieceEnd = nl < 0 ? end : nl + 1;
      if (this.shown[stream]) this.piece(stream, buf, p, pieceEnd);
      p = pieceEnd;
    }
    // the lines that begin in this record, all at its time
    if (p < end) {
      if (!this.window.contains(hi, lo)) {
        this.shown[stream] = false;
      } else if (this.skip === 0 && !this.opts.timestamps) {
        this.piece(stream, buf, p, end);
        this.shown[stream] = true;
      } else {
        this.lines(stream, hi, lo, buf, p, end);
      }
    }
    this.atLineStart[stream] = buf[end - 1] === NL;
  };

  private lines(stream: 1 | 2, hi: number, lo: number, buf: Buffer, p: number, end: number): void {
    const view = end - p > 32 ? buf.subarray(p, end) : undefined;
    const base = p;
    while (p < end) {
      if (this.skip > 0) {
        this.skip--;
        this.shown[stream] = false;
        const nl = newlineIn(buf, p, end, view, base);
        p = nl < 0 ? end : nl + 1;
        continue;
      }
      this.shown[stream] = true;
      if (!this.opts.timestamps) {
        this.piece(stream, buf, p, end);
        return;
      }
      const nl = newlineIn(buf, p, end, view, base);
      const lineEnd = nl < 0 ? end : nl + 1;
      this.stamped(stream, hi, lo, buf, p, lineEnd);
      p = lineEnd;
    }
  }

  private piece(stream: 1 | 2, buf: Buffer, start: number, end: number): void {
    if (this.opts.multiplexed) this.out.frameHeader(stream, end - start);
    this.out.bytes(buf, start, end);
  }

  private stamped(stream: 1 | 2, hi: number, lo: number, buf: Buffer, start: number, end: number): void {
    if (hi !== this.stampHi || lo !== this.stampLo) {
      this.stampHi = hi;
      this.stampLo = lo;
      this.stamp = Buffer.from(`${formatLogTimestamp((BigInt(hi) << 32n) | BigInt(lo))} `, "latin1");
    }
    if (this.opts.multiplexed) this.out.frameHeader(stream, this.stamp.length + end - start);
    this.out.small(this.stamp);
    this.out.bytes(buf, start, end);
  }
}
