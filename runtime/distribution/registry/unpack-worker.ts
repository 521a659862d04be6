/**
 * The unpack worker: a worker thread that unpacks layers while their blobs download (unpack-worker-pool.ts starts
 * it), so that gunzip, the tar parser, the file writes and the diff ID hash run on a second core while hakod's main
 * thread reads the registry's answer, hashes the blob and stages it. The unpacking is snapshot/layer-apply.ts, with
 * all its safety checks, exactly as on the main thread; only the bytes come by message (unpack-worker-messages.ts).
 */
import { parentPort } from "node:worker_threads";
import { unpackLayer } from "../../snapshot/snapshot-store.js";
import { sendableError, type FromWorker, type ToWorker } from "./unpack-worker-messages.js";

/** One layer being unpacked: the runs received and not yet taken by the unpacker. */
class Job {
  private readonly runs: Buffer[] = [];
  private ended = false;
  private aborted = false;
  private wake: (() => void) | null = null;

  constructor(private readonly id: number, private readonly send: (m: FromWorker) => void) {}

  add(run: Uint8Array): void {
    if (this.aborted) return;
    this.runs.push(Buffer.from(run.buffer, run.byteOffset, run.byteLength));
    this.poke();
  }

  end(): void {
    this.ended = true;
    this.poke();
  }

  abort(): void {
    this.aborted = true;
    this.runs.length = 0;
    this.poke();
  }

  /** The blob as the unpacker reads it; each run taken is reported, so the main thread may send more. */
  async *source(): AsyncGenerator<Buffer> {
    for (;;) {
      if (this.aborted) throw new Error("unpacking abandoned");
      const run = this.runs.shift();
      if (run) {
        this.send({ type: "taken", id: this.id, bytes: run.length });
        yield run;
      } else if (this.ended) {
        return;
      } else {
        await new Promise<void>((resolve) => { this.wake = resolve; });
      }
    }
  }

  private poke(): void {
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}

const port = parentPort;
if (port) {
  const jobs = new Map<number, Job>();
  const send = (m: FromWorker): void => port.postMessage(m);
  port.on("message", (m: ToWorker) => {
    switch (m.type) {
      case "start": {
        const job = new Job(m.id, send);
        jobs.set(m.id, job);
        unpackLayer(job.source(), m.dir, m.label).then(
          (r) => send({ type: "done", id: m.id, diffId: r.diffId, size: r.size }),
          (err: unknown) => {
            // what is still queued for a failed job is dropped: the main thread stops counting it on `failed`
            job.abort();
            send({ type: "failed", id: m.id, error: sendableError(err) });
          },
        ).finally(() => jobs.delete(m.id));
        break;
      }
      case "data": jobs.get(m.id)?.add(m.run); break;
      case "end": jobs.get(m.id)?.end(); break;
      case "abort": jobs.get(m.id)?.abort(); break;
    }
  });
}
