/**
 * Records one terminal session into an ExecTranscript row (terms: ./asciicast.ts): the pty's output as `o` events, the
 * browser's keystrokes as `i` events, resizes as `r` events, capped at TRANSCRIPT_CAP_BYTES. The row is created when
 * the session opens and rewritten every FLUSH_MS while it runs, so a console that dies mid-session still leaves what
 * was recorded until then; `finish` stores the end and the exit code.
 *
 * Bytes are decoded as UTF-8 per direction with a StringDecoder, so a character split across two chunks is kept whole.
 */
import { StringDecoder } from "node:string_decoder";
import type { Db } from "../../db";
import { TRANSCRIPT_CAP_BYTES } from "../../ws/terminal-protocol";
import { CastWriter } from "./asciicast";

const FLUSH_MS = 2000;

export interface TranscriptStart {
  userId: string | null;
  userName: string;
  containerId: string;
  containerName: string;
  execId: string;
  command: string[];
  team: string | null;
  cols: number;
  rows: number;
}

export class TranscriptRecorder {
  private readonly out = new StringDecoder("utf8");
  private readonly in = new StringDecoder("utf8");
  private dirty = false;
  private writes: Promise<unknown> = Promise.resolve();
  private readonly timer: NodeJS.Timeout;

  private constructor(private readonly db: Db, readonly id: string, private readonly cast: CastWriter) {
    this.timer = setInterval(() => this.flush(), FLUSH_MS).unref();
  }

  static async start(db: Db, start: TranscriptStart, cap = TRANSCRIPT_CAP_BYTES): Promise<TranscriptRecorder> {
    const now = Date.now();
    const command = start.command.join(" ");
    const cast = new CastWriter({ version: 2, width: start.cols, height: start.rows, timestamp: Math.floor(now / 1000), command, title: start.containerName }, cap, now);
    const row = await db.execTranscript.create({
      data: {
        userId: start.userId,
        userName: start.userName,
        containerId: start.containerId,
        containerName: start.containerName,
        execId: start.execId,
        command,
        team: start.team,
        startedAt: new Date(now),
        cast: cast.text(),
        bytes: cast.bytes,
        capBytes: cap,
      },
      select: { id: true },
    });
    return new TranscriptRecorder(db, row.id, cast);
  }

  output(chunk: Buffer): void {
    this.add("o", this.out.write(chunk));
  }

  input(chunk: Buffer): void {
    this.add("i", this.in.write(chunk));
  }

  resize(cols: number, rows: number): void {
    this.add("r", `${cols}x${rows}`);
  }

  get truncated(): boolean {
    return this.cast.truncated;
  }

  /** Stores the rest of the session and how it ended. */
  async finish(exitCode: number | null): Promise<void> {
    clearInterval(this.timer);
    this.add("o", this.out.end());
    this.add("i", this.in.end());
    this.dirty = true;
    await this.flush({ endedAt: new Date(), exitCode });
  }

  private add(code: "o" | "i" | "r", data: string): void {
    if (data && !this.cast.truncated) {
      this.cast.add(code, data);
      this.dirty = true;
    }
  }

  /** One write at a time, in order; a failed write is retried by the next. */
  private flush(end: { endedAt?: Date; exitCode?: number | null } = {}): Promise<unknown> {
    if (!this.dirty) return this.writes;
    this.dirty = false;
    const data = { cast: this.cast.text(), bytes: this.cast.bytes, truncated: this.cast.truncated, ...end };
    this.writes = this.writes
      .then(() => this.db.execTranscript.update({ where: { id: this.id }, data }))
      .catch(() => {
        this.dirty = true;
      });
    return this.writes;
  }
}
