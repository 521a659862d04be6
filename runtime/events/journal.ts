/**
 * The durable record of events: `events.log` in the data root, one JSON line per event (eventJson), appended with one
 * write per event before `publish` returns, so an event the API has answered for survives a kill -9 of hakod. When
 * the file passes `maxBytes` it becomes `events.log.1` (replacing the older one) and a new file starts: the journal
 * holds between one and two files' worth of the most recent events.
 *
 * A line torn by a crash is skipped when reading, and the next write starts on a fresh line.
 */
import { closeSync, fstatSync, openSync, readSync, renameSync, writeSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { parseEventJson, type EngineEvent } from "./events.js";

export const DEFAULT_JOURNAL_BYTES = 2 << 20;

export class EventJournal {
  private fd: number | null = null;
  private size = 0;

  constructor(readonly file: string, private readonly maxBytes = DEFAULT_JOURNAL_BYTES) {}

  /** Opens the journal for appending (creating it); a torn last line is closed off first. */
  open(): void {
    const fd = openSync(this.file, "a+", 0o600);
    this.fd = fd;
    this.size = fstatSync(fd).size;
    if (this.size > 0) {
      const last = Buffer.alloc(1);
      readSync(fd, last, 0, 1, this.size - 1);
      if (last[0] !== 0x0a) this.write("\n");
    }
  }

  /** Appends one event; an error (disk full) is the caller's to report, the event still reaches subscribers. */
  append(e: EngineEvent): void {
    if (this.fd === null) return;
    if (this.size >= this.maxBytes) this.rotate();
    this.write(`${e.json}\n`);
  }

  /** Every event the journal holds, oldest first. */
  async readAll(): Promise<EngineEvent[]> {
    const out: EngineEvent[] = [];
    for (const path of [`${this.file}.1`, this.file]) {
      const text = await readFile(path, "utf8").catch((err: NodeJS.ErrnoException) => {
        if (err.code === "ENOENT") return "";
        throw err;
      });
      for (const line of text.split("\n")) {
        if (!line) continue;
        const e = parseEventJson(line);
        if (e) out.push(e);
      }
    }
    return out;
  }

  close(): void {
    if (this.fd !== null) closeSync(this.fd);
    this.fd = null;
  }

  private write(text: string): void {
    const buf = Buffer.from(text);
    let off = 0;
    while (off < buf.length) off += writeSync(this.fd as number, buf, off, buf.length - off);
    this.size += buf.length;
  }

  private rotate(): void {
    this.close();
    renameSync(this.file, `${this.file}.1`);
    this.open();
  }
}
