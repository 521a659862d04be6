/**
 * Unpacking off the main thread: the unpack workers (unpack-worker.ts) and {@link WorkerUnpack}, the handle a layer
 * download feeds.
 *
 * Terms: the **pool** is the set of live workers; it holds at most as many as layers are downloaded at once
 * (max-concurrent-downloads), and a download beyond that shares the least busy worker. A worker with no job for
 * {@link IDLE_MS} is terminated (and an idle one never keeps the process alive), so an engine that is not pulling
 * holds no worker: each costs a V8 isolate, some 30 MiB of RSS. A worker that dies abandons the jobs it had: their
 * layers are then unpacked by the store from the stored blob, as when the registry restarts a blob.
 *
 * Bytes go in **runs** of {@link RUN} bytes: the socket's 64 KiB pieces copied together into a buffer of their own,
 * whose memory is then transferred, not copied again (the pieces themselves cannot move: the staged file still
 * writes them). At most {@link MAX_IN_FLIGHT} bytes may be sent and not yet taken by the unpacker; beyond that
 * {@link WorkerUnpack.write} returns a promise and the download pauses the registry's answer until the worker
 * catches up.
 */
import { rm } from "node:fs/promises";
import { Worker } from "node:worker_threads";
import type { UnpackedLayer } from "../../snapshot/snapshot-store.js";
import { receivedError, type FromWorker, type ToWorker } from "./unpack-worker-messages.js";

const RUN = 1 << 20;
const MAX_IN_FLIGHT = 8 << 20;
const IDLE_MS = 5_000;

/** `gone`: the worker stopped (not the layer's fault), so the store unpacks from the stored blob instead */
type Outcome = UnpackedLayer | { failed: unknown } | { gone: Error };

/** A job's side of the conversation, as the worker sees it. */
interface JobEnds {
  taken(bytes: number): void;
  settle(outcome: { diffId: string; size: number } | { failed: unknown } | { gone: Error }): void;
}

/** The worker's entry: plain JavaScript that loads tsx and then the worker, which is TypeScript. */
const WORKER_FILE = new URL("./unpack-worker-boot.cjs", import.meta.url);

class UnpackWorker {
  // execArgv: none of the main thread's flags (a test runner's, or hakod's own --import of tsx, of no use here)
  private readonly worker = new Worker(WORKER_FILE, { execArgv: [] });
  readonly jobs = new Map<number, JobEnds>();
  private idleTimer: NodeJS.Timeout | null = null;
  private gone = false;

  constructor(private readonly onGone: (w: UnpackWorker) => void) {
    this.worker.on("message", (m: FromWorker) => {
      const job = this.jobs.get(m.id);
      if (!job) return;
      if (m.type === "taken") return job.taken(m.bytes);
      this.release(m.id);
      job.settle(m.type === "done" ? { diffId: m.diffId, size: m.size } : { failed: receivedError(m.error) });
    });
    this.worker.on("error", (err) => this.die(err));
    this.worker.on("exit", (code) => this.die(new Error(`exited with code ${code}`)));
  }

  /** A worker made ahead of its first job (see {@link warmUnpackWorker}) ends like an idle one when no job comes. */
  idle(): void {
    if (this.jobs.size > 0 || this.gone || this.idleTimer) return;
    this.worker.unref();
    this.idleTimer = setTimeout(() => this.retire(), IDLE_MS).unref();
  }

  send(m: ToWorker, transfer?: ArrayBuffer[]): void {
    if (!this.gone) this.worker.postMessage(m, transfer);
  }

  add(id: number, job: JobEnds): void {
    if (this.gone) return job.settle({ gone: new Error("the unpack worker is gone") });
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = null;
    if (this.jobs.size === 0) this.worker.ref();
    this.jobs.set(id, job);
  }

  private release(id: number): void {
    this.jobs.delete(id);
    if (this.jobs.size > 0 || this.gone) return;
    this.worker.unref();
    this.idleTimer = setTimeout(() => this.retire(), IDLE_MS).unref();
  }

  /** Leaves the pool before terminating, so no new job can pick a worker on its way out. */
  private retire(): void {
    this.gone = true;
    this.onGone(this);
    void this.worker.terminate();
  }

  private die(err: Error): void {
    if (this.gone) return;
    this.gone = true;
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onGone(this);
    for (const [id, job] of this.jobs) {
      this.jobs.delete(id);
      job.settle({ gone: err });
    }
  }
}

const pool: UnpackWorker[] = [];
let nextJob = 1;

/** The least busy worker; a new one while a busy pool is smaller than `max`. */
function workerFor(max: number): UnpackWorker {
  const idlest = pool.reduce<UnpackWorker | undefined>((a, w) => (!a || w.jobs.size < a.jobs.size ? w : a), undefined);
  if (idlest && (idlest.jobs.size === 0 || pool.length >= max)) return idlest;
  const w = new UnpackWorker((gone) => {
    const i = pool.indexOf(gone);
    if (i >= 0) pool.splice(i, 1);
  });
  pool.push(w);
  return w;
}

/**
 * Starts a worker while a pull still resolves its manifest, so its start-up (~0.35 s: a thread and the TypeScript
 * loader) overlaps the registry round trips instead of the first layer's download.
 */
export function warmUnpackWorker(): void {
  if (pool.length === 0) workerFor(1).idle();
}

/** Workers alive now (busy or idle), for tests and diagnostics. */
export function liveWorkers(): number {
  return pool.length;
}

/** A layer unpacked by a worker as its blob arrives: `<dir>/fs`, hashed to its diff ID. */
export class WorkerUnpack {
  private readonly id = nextJob++;
  private readonly worker: UnpackWorker;
  private readonly result: Promise<Outcome>;
  private pieces: Buffer[] = [];
  private gathered = 0;
  private inFlight = 0;
  private settled = false;
  private waiters: Array<() => void> = [];

  /** `maxWorkers`: the pool's bound, max-concurrent-downloads. */
  constructor(private readonly dir: string, label: string, maxWorkers: number) {
    this.worker = workerFor(maxWorkers);
    this.result = new Promise<Outcome>((resolve) => {
      this.worker.add(this.id, {
        taken: (bytes) => {
          this.inFlight -= bytes;
          if (this.inFlight <= MAX_IN_FLIGHT) this.wakeWriters();
        },
        settle: (outcome) => {
          // a hostile or broken layer: the download goes on (its digest decides which error the user sees)
          this.settled = true;
          this.wakeWriters();
          resolve("diffId" in outcome ? { dir, ...outcome } : outcome);
        },
      });
    });
    this.worker.send({ type: "start", id: this.id, dir, label });
  }

  /** Passes a piece on; returns a promise only when the worker is behind and the caller should wait. */
  write(piece: Buffer): Promise<void> | undefined {
    if (this.settled) return undefined;
    this.pieces.push(piece);
    this.gathered += piece.length;
    if (this.gathered < RUN) return undefined;
    return this.pass();
  }

  private pass(): Promise<void> | undefined {
    // a copy of its own (allocUnsafeSlow: not a slice of the shared pool) whose memory can be transferred
    const run = Buffer.allocUnsafeSlow(this.gathered);
    let at = 0;
    for (const p of this.pieces) at += p.copy(run, at);
    this.pieces = [];
    this.gathered = 0;
    if (this.settled) return undefined;
    this.inFlight += run.length;
    this.worker.send({ type: "data", id: this.id, run }, [run.buffer]);
    if (this.inFlight <= MAX_IN_FLIGHT) return undefined;
    return new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  private wakeWriters(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  /**
   * The blob is complete and verified: the rest of the unpacking, and its outcome; undefined when the worker
   * stopped midway (what it made is removed then, and the store unpacks from the blob).
   */
  async finish(): Promise<UnpackedLayer | undefined> {
    if (this.gathered > 0) await this.pass();
    this.worker.send({ type: "end", id: this.id });
    const r = await this.result;
    if ("failed" in r) throw r.failed;
    if ("gone" in r) {
      await rm(this.dir, { recursive: true, force: true });
      return undefined;
    }
    return r;
  }

  /** Stops unpacking and removes what it made. */
  async abandon(): Promise<void> {
    this.pieces = [];
    this.gathered = 0;
    this.worker.send({ type: "abort", id: this.id });
    await this.result;
    await rm(this.dir, { recursive: true, force: true });
  }
}
