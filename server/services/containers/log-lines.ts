/**
 * A container's log as lines: the engine's log bytes (multiplexed, or raw for a TTY container), asked for with
 * `timestamps=1`, become `{stream, time, text}` lines. Text keeps its ANSI escapes; the browser renders them safely.
 */
import { FrameDemuxer, LineSplitter, type StreamName } from "../../engine/stream-frames";

export interface LogLine {
  stream: StreamName;
  /** RFC 3339 with nanoseconds, as the engine wrote it; null if the line carried no timestamp */
  time: string | null;
  text: string;
}

const TIMESTAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(?:\.\d{1,9})?(?:Z|[+-]\d\d:\d\d)) /;

/** Turns chunks of a log response into lines; one reader per response. */
export class LogLineReader {
  private readonly demuxer: FrameDemuxer | null;
  private readonly splitters: Record<StreamName, LineSplitter> = { stdout: new LineSplitter(), stderr: new LineSplitter() };

  constructor(tty: boolean) {
    this.demuxer = tty ? null : new FrameDemuxer();
  }

  push(chunk: Buffer): LogLine[] {
    const frames = this.demuxer ? this.demuxer.push(chunk) : [{ stream: "stdout" as const, data: chunk }];
    return frames.flatMap(({ stream, data }) => this.splitters[stream].push(data).map((line) => toLogLine(stream, line)));
  }

  flush(): LogLine[] {
    return (["stdout", "stderr"] as const).flatMap((stream) => this.splitters[stream].flush().map((line) => toLogLine(stream, line)));
  }
}

function toLogLine(stream: StreamName, bytes: Buffer): LogLine {
  const raw = bytes.toString("utf8");
  const stamped = TIMESTAMP.exec(raw);
  if (!stamped) return { stream, time: null, text: raw };
  return { stream, time: stamped[1] ?? null, text: raw.slice(stamped[0].length) };
}

/**
 * Nanoseconds since the epoch of an RFC 3339 time (null if it is not one). Lines are compared by it to resume a
 * stream after the last line the browser has, which string order cannot do (fractions of varying length, offsets).
 */
export function timeNs(time: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?(Z|[+-]\d\d:\d\d)$/.exec(time);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}${m[3]}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[2] ?? "").padEnd(9, "0"));
}

/** Docker's `since`/`until` form: seconds since the epoch with a nanosecond fraction. */
export function dockerTimestamp(ns: bigint): string {
  const seconds = ns / 1_000_000_000n;
  const nanos = ns % 1_000_000_000n;
  return `${seconds}.${nanos.toString().padStart(9, "0")}`;
}
