/**
 * Downloading one layer blob of a pull, and unpacking it while it arrives.
 *
 * Each piece the registry sends goes three ways in one pass: into the blob's sha256, into the staged blob file
 * (staged-file.ts: written in batches, synced in the background), and to the unpacker, which runs in a worker thread
 * (unpack-worker-pool.ts; snapshot/layer-apply.ts there: decompress, hash the diff ID, extract into
 * `<staging>/<hex>.unpacked/fs`) so that it has a core of its own while this thread reads and hashes the blob.
 * Nothing here is in the store yet: when the download ends the digest and size are checked, and only then are the
 * staged file and the unpacked tree handed to the store, which renames them into place (image-commit.ts). A digest
 * mismatch fails the layer, naming it; the unpacked tree is thrown away with the staging directory, so a wrong blob
 * is never stored, not even unpacked.
 *
 * A connection that breaks mid-blob is retried, asking for the rest with Range: the unpacker simply goes on with the
 * rest. A registry that answers 200 instead of 206 sends it all again: the file starts over, the unpacking is
 * abandoned, and the store unpacks from the stored blob instead.
 */
import { open } from "node:fs/promises";
import type { IncomingMessage } from "node:http";
import { dataCorruption, isKind } from "../../errors.js";
import { digestOfHash, sha256Hasher } from "../../store/digest.js";
import type { UnpackedLayer } from "../../snapshot/snapshot-store.js";
import type { Descriptor } from "../staging.js";
import type { RegistryClient } from "./client.js";
import { layerId, type Progress } from "./progress.js";
import type { RegistryError } from "./registry-error.js";
import type { Registries } from "./settings.js";
import { StagedFile } from "./staged-file.js";
import { isRetryable, sleep } from "./transport.js";
import { WorkerUnpack } from "./unpack-worker-pool.js";

export interface DownloadedLayer {
  /** the staged blob, verified against its digest */
  file: string;
  /**
   * the layer unpacked from it, or undefined when unpacking could not go along (the registry restarted the blob, or
   * the unpack worker stopped)
   */
  unpacked?: UnpackedLayer;
}

export interface LayerDownload {
  client: RegistryClient;
  repo: string;
  desc: Descriptor;
  /** where the blob goes; `<file>.unpacked/` receives the unpacked tree */
  file: string;
  progress: Progress;
  registries: Registries;
}

export async function downloadLayer({ client, repo, desc, file, progress, registries }: LayerDownload): Promise<DownloadedLayer> {
  const digest = desc.digest;
  const id = layerId(digest);
  const total = desc.size ?? 0;
  const fh = await open(file, "w", 0o600);
  const staged = new StagedFile(fh);
  let hash = sha256Hasher();
  let unpacking: WorkerUnpack | null =
    new WorkerUnpack(`${file}.unpacked`, `layer ${digest}`, registries.options.maxConcurrentDownloads);
  const take = (piece: Buffer): Promise<unknown> | undefined => {
    if (total > 0 && staged.size + piece.length > total) {
      throw dataCorruption(`size mismatch for layer ${digest}: the registry sent more than ${total} bytes`);
    }
    hash.update(piece);
    const writing = staged.add(piece);
    const unpackWaits = unpacking?.write(piece);
    progress.bytes("Downloading", id, staged.size, total);
    return writing && unpackWaits ? Promise.all([writing, unpackWaits]) : writing ?? unpackWaits;
  };
  try {
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await client.getBlob(repo, digest, staged.size);
        if (staged.size > 0 && res.statusCode !== 206) {
          // no resume: start over, and leave the unpacking to the store
          hash = sha256Hasher();
          await staged.truncate();
          await unpacking?.abandon();
          unpacking = null;
        }
        try {
          await eachPiece(res, take);
        } finally {
          // what arrived before a broken connection is kept, so a Range request can ask for the rest
          await staged.settle();
        }
        break;
      } catch (err) {
        if (attempt < registries.options.attempts && (isRetryable(err) || isKind(err, "Internal") && (err as RegistryError).status === 0)) {
          await sleep(registries.options.retryDelayMs * 2 ** (attempt - 1));
          continue;
        }
        throw err;
      }
    }
    const written = staged.size;
    progress.bytes("Downloading", id, written, total, true);
    progress.status("Verifying Checksum", id);
    const actual = digestOfHash(hash);
    if (actual !== digest) throw dataCorruption(`digest mismatch for layer ${digest}: the registry sent content that hashes to ${actual}`);
    if (desc.size !== undefined && desc.size !== written) throw dataCorruption(`size mismatch for layer ${digest}: expected ${desc.size} bytes, got ${written}`);
    progress.status("Download complete", id);
    const unpacked = await unpacking?.finish();
    unpacking = null;
    return { file, unpacked };
  } finally {
    await unpacking?.abandon();
    await staged.settle().catch(() => {});
    await fh.close();
  }
}

/**
 * Hands each piece of an answer body to `take` as it arrives ('data' events: no async iterator, which costs per
 * piece and concatenates what it buffered). When `take` returns a promise the answer is paused until it settles;
 * `take` throwing, or its promise failing, ends the answer. Resolves once the whole body was taken; a connection
 * that closes early is ECONNRESET (retryable).
 */
function eachPiece(res: IncomingMessage, take: (piece: Buffer) => Promise<unknown> | undefined): Promise<void> {
  return new Promise<void>((resolve, reject) => {
    let pending: Promise<unknown> | undefined;
    let over = false;
    const fail = (err: unknown): void => {
      if (over) return;
      over = true;
      res.destroy();
      reject(err);
    };
    const finish = (): void => {
      void Promise.resolve(pending).then(() => {
        if (over) return;
        over = true;
        resolve();
      }, fail);
    };
    res.on("data", (piece: Buffer) => {
      if (over) return;
      let wait: Promise<unknown> | undefined;
      try {
        wait = take(piece);
      } catch (err) {
        fail(err);
        return;
      }
      if (!wait) return;
      res.pause();
      pending = wait;
      wait.then(() => {
        if (pending === wait) pending = undefined;
        if (!over) res.resume();
      }, fail);
    });
    res.on("end", finish);
    res.on("error", fail);
    res.on("close", () => {
      if (!res.complete) fail(Object.assign(new Error("connection closed before the blob ended"), { code: "ECONNRESET" }));
      else finish();
    });
  });
}
