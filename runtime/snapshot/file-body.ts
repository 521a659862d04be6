/**
 * Writing the content of one regular file of a layer (a tar entry's body) to an open file descriptor.
 *
 * Tar entry bodies arrive in small pieces (a few KiB, as the decompressor and the tar parser slice them). Writing
 * each piece with its own system call made unpacking a big file slow, and a synchronous write holds the event loop
 * (a pull downloading other layers, the API) for its whole duration. So pieces are gathered into batches of
 * {@link BATCH} bytes: a small file is written with one synchronous call once whole (cheaper than a thread-pool
 * round trip), a large one with asynchronous positional writev calls of a batch each (the pieces are not copied),
 * one in flight while the next batch is gathered, so the disk and the decompressor work at the same time. Every
 * {@link SYNC_EVERY} bytes of a large file a data sync starts in the background, so that the sync before the
 * snapshot's commit (snapshot-store.ts) finds little left to flush.
 */
import { fdatasync, writeSync, writev } from "node:fs";

const BATCH = 1 << 20;
const SYNC_EVERY = 32 << 20;

/** Writes every byte of `body` to `fd` (a new, empty file) from offset 0. */
export async function writeFileBody(fd: number, body: AsyncIterable<Uint8Array>): Promise<void> {
  let pieces: Uint8Array[] = [];
  let gathered = 0;
  let position = 0;
  let inFlight: Promise<void> | null = null;
  let syncing: Promise<void> | null = null;
  let synced = 0;
  try {
    for await (const piece of body) {
      pieces.push(piece);
      gathered += piece.length;
      if (gathered < BATCH) continue;
      if (inFlight) await inFlight;
      if (!syncing && position - synced >= SYNC_EVERY) {
        synced = position;
        syncing = dataSync(fd).finally(() => { syncing = null; });
      }
      inFlight = writeAt(fd, pieces, position);
      // handled now, thrown later: a failure (ENOSPC) while the next batch is awaited would otherwise be an
      // unhandled rejection, which ends the process; the `await inFlight` above or below still throws it
      inFlight.catch(() => {});
      position += gathered;
      pieces = [];
      gathered = 0;
    }
    if (inFlight) await inFlight;
    inFlight = null;
    if (gathered === 0) return;
    if (position === 0) writeAllSync(fd, pieces.length === 1 ? (pieces[0] as Uint8Array) : Buffer.concat(pieces, gathered));
    else await writeAt(fd, pieces, position);
  } finally {
    // never leave a write running on a descriptor the caller is about to close
    if (inFlight) await inFlight.catch(() => {});
    if (syncing) await syncing;
  }
}

/** Advisory: a failure shows again when the snapshot is synced before its commit. */
function dataSync(fd: number): Promise<void> {
  return new Promise((resolve) => fdatasync(fd, () => resolve()));
}

/** The whole file fit in one batch: one synchronous write (cheaper than a thread-pool round trip). */
function writeAllSync(fd: number, buf: Uint8Array): void {
  for (let off = 0; off < buf.length; ) off += writeSync(fd, buf, off, buf.length - off);
}

/** All of `pieces` at `position` with writev (no copy into one buffer), going on after a short write. */
async function writeAt(fd: number, pieces: Uint8Array[], position: number): Promise<void> {
  let rest = pieces;
  while (rest.length > 0) {
    let n = await new Promise<number>((resolve, reject) => {
      writev(fd, rest, position, (err, written) => (err ? reject(err) : resolve(written)));
    });
    position += n;
    let i = 0;
    for (; i < rest.length && n >= (rest[i] as Uint8Array).length; i++) n -= (rest[i] as Uint8Array).length;
    rest = rest.slice(i);
    if (n > 0) rest[0] = (rest[0] as Uint8Array).subarray(n);
  }
}
