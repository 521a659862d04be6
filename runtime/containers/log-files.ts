/**
 * Reading a container's log files, and following them while the container runs.
 *
 * Terms:
 * - the **log** of a container is `container.log` plus, once rotation is enabled, the files it was rotated to:
 *   `container.log.1` (the newest rotated one) … `container.log.N` (the oldest). Rotation renames the files up by
 *   one and starts a new `container.log`; a file is never written again once renamed. The **chain** is these files
 *   oldest first.
 * - a **reader** holds one open file and the offset of the first record not yet delivered; it reads in large
 *   chunks (1 MiB) and hands each complete record to a visitor without copying it. A record cut short at the end of
 *   the file is kept back until its rest arrives (follow) or ignored (a torn write of a shim that died).
 * - **following** reads what the log holds, then waits for it to grow (inotify on the container's directory, with a
 *   slow poll as a backstop) and reads again, until told that no more will come (the container stopped: hako-shim
 *   writes every record before it reports the exit, so one last read gets everything), the destination goes away,
 *   or `until` has passed.
 *
 * Rotation while following: files are known by inode. When `container.log` is no longer the file being read, that
 * file is read to its end (it is complete: renamed files are not written), then the files that come after it in the
 * chain, oldest first (all of them when it has left the chain); the last becomes the file followed. Its inode is
 * looked up in the chain while the file is still open: once closed (and deleted by rotation) its number may be given
 * to a new file. Nothing is read twice and, as long as the reader keeps up with rotation (a file is not deleted
 * before it was read), nothing is lost.
 */
import { watch, type FSWatcher } from "node:fs";
import { open, readdir, stat, type FileHandle } from "node:fs/promises";
import { basename, dirname } from "node:path";
import type { Writable } from "node:stream";
import { BatchWriter } from "./batch-writer.js";
import { LineCounter, LogRenderer, type LogViewOptions, type RecordVisitor } from "./logs.js";

const CHUNK = 1 << 20;
const LOG_HEADER = 16;
/** a record longer than this is taken for corruption (the shim writes at most 64 KiB per record) */
const MAX_RECORD = 64 << 20;
/** how often a follower looks at the log without being woken */
const POLL_MS = 1000;

/** The rotated files of a log, `base.1`, `base.2` …, by number (oldest = highest). */
async function rotatedNumbers(base: string): Promise<number[]> {
  const name = `${basename(base)}.`;
  const entries = await readdir(dirname(base)).catch(() => [] as string[]);
  return entries
    .filter((e) => e.startsWith(name) && /^[1-9]\d*$/.test(e.slice(name.length)))
    .map((e) => Number(e.slice(name.length)))
    .sort((a, b) => b - a);
}

interface OpenLogFile {
  fh: FileHandle;
  ino: number;
}

async function openIfExists(path: string): Promise<OpenLogFile | null> {
  let fh: FileHandle;
  try {
    fh = await open(path, "r");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw err;
  }
  try {
    return { fh, ino: (await fh.stat()).ino };
  } catch (err) {
    await fh.close();
    throw err;
  }
}

/**
 * Opens the chain, oldest first. `container.log` is opened before the rotated files are listed, so a rotation in
 * between shows up as the same inode under two names (kept once, in the older place) rather than as a gap.
 */
export async function openLogChain(base: string): Promise<OpenLogFile[]> {
  const current = await openIfExists(base);
  const out: OpenLogFile[] = [];
  const seen = new Set<number>();
  const files: OpenLogFile[] = [];
  for (const n of await rotatedNumbers(base)) {
    const f = await openIfExists(`${base}.${n}`);
    if (f) files.push(f);
  }
  if (current) files.push(current);
  for (const f of files) {
    if (seen.has(f.ino)) {
      await f.fh.close();
      continue;
    }
    seen.add(f.ino);
    out.push(f);
  }
  return out;
}

/** Reads the records of one open log file from an offset on. */
export class LogFileReader {
  private buf = Buffer.allocUnsafe(CHUNK);
  /** bytes of `buf` holding data (a record cut short at the end of what was read) */
  private have = 0;
  /** file offset of buf[0] */
  private offset: number;
  private corrupt = false;

  constructor(readonly file: OpenLogFile, start = 0) {
    this.offset = start;
  }

  get ino(): number {
    return this.file.ino;
  }

  /**
   * Delivers every complete record the file holds beyond those delivered before. `between` runs after each chunk
   * (flushing, waiting for the destination) and stops the reading by returning false.
   */
  async readAvailable(visit: RecordVisitor, between: () => Promise<boolean>): Promise<void> {
    while (!this.corrupt) {
      if (this.have === this.buf.length && !this.grow()) return;
      const { bytesRead } = await this.file.fh.read(this.buf, this.have, this.buf.length - this.have, this.offset + this.have);
      if (bytesRead === 0) return;
      this.have += bytesRead;
      const used = this.deliver(visit);
      if (used > 0) {
        this.buf.copyWithin(0, used, this.have);
        this.have -= used;
        this.offset += used;
      }
      if (!(await between())) return;
    }
  }

  close(): Promise<void> {
    return this.file.fh.close().catch(() => undefined);
  }

  /** Visits the complete records in buf; returns the bytes they take. */
  private deliver(visit: RecordVisitor): number {
    const b = this.buf;
    const have = this.have;
    let off = 0;
    while (have - off >= LOG_HEADER) {
      const stream = b[off];
      if ((stream !== 1 && stream !== 2) || (b[off + 1] as number) | (b[off + 2] as number) | (b[off + 3] as number)) {
        // not a record header: the file is damaged from here on; what came before stands
        this.corrupt = true;
        break;
      }
      const length = b.readUInt32BE(off + 4);
      if (length > MAX_RECORD) {
        this.corrupt = true;
        break;
      }
      if (have - off - LOG_HEADER < length) break;
      const start = off + LOG_HEADER;
      visit(stream, b.readUInt32BE(off + 8), b.readUInt32BE(off + 12), b, start, start + length);
      off = start + length;
    }
    return off;
  }

  /** The buffer is full with one record's beginning: make room for the whole record. */
  private grow(): boolean {
    if (this.have < LOG_HEADER) return false;
    const need = LOG_HEADER + this.buf.readUInt32BE(4);
    if (need <= this.buf.length) return true;
    const bigger = Buffer.allocUnsafe(need);
    this.buf.copy(bigger, 0, 0, this.have);
    this.buf = bigger;
    return true;
  }
}

export interface FollowControl {
  /** settles when no more records will come (the container stopped or is gone): what is left is sent, then the end */
  stopped: Promise<unknown>;
}

/** flush to the destination once this much is buffered (and at every pause of the log) */
const FLUSH_AT = 256 << 10;

/**
 * Writes the log at `base` to `out` as `opts` asks; with `follow`, goes on with what the container writes until it
 * stops. Never ends `out` (the caller does). Stops early when `out` goes away.
 */
export async function streamLogs(base: string, opts: LogViewOptions, out: Writable, follow?: FollowControl): Promise<void> {
  const writer = new BatchWriter(out);
  const renderer = new LogRenderer(opts, writer);
  const between = async (): Promise<boolean> => {
    if (writer.pending >= FLUSH_AT) writer.flush();
    await writer.drained();
    return !writer.closed && !renderer.pastUntil;
  };
  const files = await openLogChain(base);
  const readers = files.map((f) => new LogFileReader(f));
  try {
    if (opts.tail >= 0) {
      const counter = new LineCounter(opts);
      for (const f of files) await new LogFileReader(f).readAvailable(counter.visit, async () => !writer.closed);
      renderer.skip = Math.max(0, counter.count - opts.tail);
    }
    for (const r of readers) await r.readAvailable(renderer.visit, between);
    writer.flush();
    if (!follow || writer.closed || renderer.pastUntil) return;
    const current = readers.pop() ?? null;
    const follower = new Follower(base, opts, writer, renderer, between, current);
    const gone = (): void => follower.poke();
    out.once("close", gone);
    try {
      await follower.run(follow);
    } finally {
      out.off("close", gone);
    }
  } finally {
    await Promise.all(readers.map((r) => r.close()));
  }
}

class Follower {
  private dirty = false;
  private wake: (() => void) | null = null;
  private stopping = false;

  constructor(
    private readonly base: string,
    private readonly opts: LogViewOptions,
    private readonly writer: BatchWriter,
    private readonly renderer: LogRenderer,
    private readonly between: () => Promise<boolean>,
    private current: LogFileReader | null,
  ) {}

  /** Something may have changed (the log grew, the destination went away): look again. */
  poke(): void {
    this.dirty = true;
    this.wake?.();
  }

  async run(control: FollowControl): Promise<void> {
    const poke = (): void => this.poke();
    const stop = (): void => {
      this.stopping = true;
      poke();
    };
    const prefix = basename(this.base);
    let watcher: FSWatcher | undefined;
    try {
      watcher = watch(dirname(this.base), { persistent: false }, (_event, name) => {
        if (!name || name.startsWith(prefix)) poke();
      });
      watcher.on("error", () => undefined);
    } catch {
      // no inotify (limits reached): the poll below still sees the log grow
    }
    const poll = setInterval(poke, POLL_MS);
    let untilTimer: NodeJS.Timeout | undefined;
    if (this.opts.untilNs > 0n) {
      const ms = Number(this.opts.untilNs / 1_000_000n) - Date.now();
      if (ms < 2 ** 31) untilTimer = setTimeout(stop, Math.max(0, ms));
    }
    void control.stopped.then(stop, stop);
    try {
      for (;;) {
        const last = this.stopping;
        this.dirty = false;
        await this.catchUp();
        this.writer.flush();
        await this.writer.drained();
        if (last || this.writer.closed || this.renderer.pastUntil) return;
        if (!this.dirty) await new Promise<void>((resolve) => (this.wake = resolve));
        this.wake = null;
      }
    } finally {
      watcher?.close();
      clearInterval(poll);
      clearTimeout(untilTimer);
      await this.current?.close();
    }
  }

  /** Reads what the followed file gained; on rotation, the rest of it and then the files not seen yet. */
  private async catchUp(): Promise<void> {
    const visit = this.renderer.visit;
    if (this.current) await this.current.readAvailable(visit, this.between);
    const st = await stat(this.base).catch(() => null);
    if (!st || st.ino === this.current?.ino) return;
    const chain = await openLogChain(this.base);
    let next = 0;
    if (this.current) {
      await this.current.readAvailable(visit, this.between);
      const ino = this.current.ino;
      next = chain.findIndex((f) => f.ino === ino) + 1;
      await this.current.close();
      this.current = null;
    }
    for (const [i, f] of chain.entries()) {
      if (i < next) {
        await f.fh.close();
        continue;
      }
      await this.current?.close();
      this.current = new LogFileReader(f);
      await this.current.readAvailable(visit, this.between);
    }
  }
}
