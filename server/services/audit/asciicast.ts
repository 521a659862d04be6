/**
 * asciicast v2 (https://docs.asciinema.org/manual/asciicast/v2/), the format exec transcripts are kept in: a header
 * line (JSON object: version, width, height, timestamp …), then one JSON array per event, `[seconds since the start,
 * code, data]`, where code `o` is output shown, `i` is input typed and `r` is a resize (`"COLSxROWS"`).
 *
 * A **cap** bounds the transcript's size in bytes (header included): the first event that would pass it is dropped,
 * with every later one, and the cast is marked truncated.
 */

export type CastCode = "o" | "i" | "r";
export type CastEvent = [number, CastCode, string];

export interface CastHeader {
  version: 2;
  width: number;
  height: number;
  /** start, in seconds since the epoch */
  timestamp: number;
  command?: string;
  title?: string;
}

export class CastWriter {
  private readonly lines: string[];
  private size: number;
  private cut = false;

  constructor(readonly header: CastHeader, private readonly cap: number, private readonly startMs = header.timestamp * 1000) {
    const line = `${JSON.stringify(header)}\n`;
    this.lines = [line];
    this.size = Buffer.byteLength(line);
  }

  /** Appends an event at `nowMs`; false when it did not fit under the cap (then nothing more is kept). */
  add(code: CastCode, data: string, nowMs = Date.now()): boolean {
    if (this.cut || data === "") return !this.cut;
    const seconds = Math.max(0, Math.round(nowMs - this.startMs) / 1000);
    const line = `${JSON.stringify([seconds, code, data])}\n`;
    const bytes = Buffer.byteLength(line);
    if (this.size + bytes > this.cap) {
      this.cut = true;
      return false;
    }
    this.lines.push(line);
    this.size += bytes;
    return true;
  }

  get bytes(): number {
    return this.size;
  }

  get truncated(): boolean {
    return this.cut;
  }

  text(): string {
    return this.lines.join("");
  }
}

export interface ParsedCast {
  header: CastHeader;
  events: CastEvent[];
}

/** Reads a cast back; lines that are not events (a torn last line) are skipped. */
export function parseCast(text: string): ParsedCast {
  const [first, ...rest] = text.split("\n");
  const header = JSON.parse(first || "{}") as CastHeader;
  const events: CastEvent[] = [];
  for (const line of rest) {
    if (!line) continue;
    try {
      const e = JSON.parse(line) as unknown;
      if (Array.isArray(e) && typeof e[0] === "number" && (e[1] === "o" || e[1] === "i" || e[1] === "r") && typeof e[2] === "string") {
        events.push([e[0], e[1], e[2]]);
      }
    } catch {
      // skipped
    }
  }
  return { header, events };
}
