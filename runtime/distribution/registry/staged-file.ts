/**
 * The staging file a layer download writes: the socket's pieces (up to 64 KiB) gathered into batches of
 * {@link BATCH} bytes, each written with one positional writev (the pieces are not copied), one batch in flight
 * while the next one fills, so the download does not wait for the disk unless the disk falls a whole batch behind.
 *
 * Every {@link SYNC_EVERY} bytes a data sync is started in the background: the store syncs the file before it moves
 * it in (content-store.ts `adopt`), and by then most of it is on disk already instead of all of it being flushed at
 * the end, while the user waits.
 */
import type { FileHandle } from "node:fs/promises";

const BATCH = 4 << 20;
const SYNC_EVERY = 32 << 20;

export class StagedFile {
  /** bytes written (and queued), in order: the offset a resumed download asks for once {@link settle} returned */
  private queued = 0;
  private pieces: Buffer[] = [];
  private gathered = 0;
  private inFlight: Promise<void> | null = null;
  private syncing: Promise<void> | null = null;
  private unsynced = 0;

  constructor(private readonly fh: FileHandle) {}

  /** Bytes received so far (written or about to be). */
  get size(): number {
    return this.queued + this.gathered;
  }

  /** Adds a piece; returns a promise only when the caller should wait (the previous batch is still being written). */
  add(piece: Buffer): Promise<void> | undefined {
    this.pieces.push(piece);
    this.gathered += piece.length;
    if (this.gathered < BATCH) return undefined;
    if (!this.inFlight) {
      this.startWrite();
      return undefined;
    }
    return this.inFlight.then(() => this.startWrite());
  }

  /** Writes everything received; afterwards {@link size} bytes are in the file. */
  async settle(): Promise<void> {
    // a loop: a caller's pending `add` may start one more write while this waits
    for (;;) {
      if (this.inFlight) await this.inFlight;
      else if (this.gathered > 0) this.startWrite();
      else break;
    }
    if (this.syncing) await this.syncing;
  }

  /** Starts over empty (a registry that does not resume). Call after {@link settle}. */
  async truncate(): Promise<void> {
    await this.fh.truncate(0);
    this.queued = 0;
  }

  private startWrite(): void {
    const pieces = this.pieces;
    const position = this.queued;
    const bytes = this.gathered;
    this.pieces = [];
    this.gathered = 0;
    this.queued += bytes;
    const previous = this.inFlight;
    const write = (async () => {
      if (previous) await previous;
      await writevAll(this.fh, pieces, position);
      this.unsynced += bytes;
      if (this.unsynced >= SYNC_EVERY && !this.syncing) {
        this.unsynced = 0;
        // advisory: a failure shows again when the store syncs the file
        this.syncing = this.fh.datasync().catch(() => {}).finally(() => { this.syncing = null; });
      }
    })();
    this.inFlight = write;
    void write.finally(() => {
      if (this.inFlight === write) this.inFlight = null;
    }).catch(() => {});
  }
}

/** All of `pieces` at `position`, going on after a short write. */
async function writevAll(fh: FileHandle, pieces: Buffer[], position: number): Promise<void> {
  let rest = pieces;
  while (rest.length > 0) {
    let { bytesWritten: n } = await fh.writev(rest, position);
    position += n;
    let i = 0;
    for (; i < rest.length && n >= (rest[i] as Buffer).length; i++) n -= (rest[i] as Buffer).length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = (rest[0] as Buffer).subarray(n);
  }
}
