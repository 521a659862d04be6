/**
 * Output in large buffers: many small pieces (frame headers, time stamps, lines) are copied into one buffer that goes
 * to the destination in a single write, so a stream of short lines costs one write per megabyte rather than three per
 * line. The caller decides when to flush and waits for `drained()` between chunks: the destination's backpressure is
 * respected, and memory stays bounded by one buffer plus what the destination queues.
 */
import type { Writable } from "node:stream";

const DEFAULT_CAPACITY = 1 << 20;

export class BatchWriter {
  private buf: Buffer;
  private len = 0;
  /** where the header of the frame being written starts in `buf` (-1: none), and its stream */
  private frameAt = -1;
  private frameStream = 0;

  constructor(private readonly out: Writable, private readonly capacity = DEFAULT_CAPACITY) {
    this.buf = Buffer.allocUnsafe(capacity);
  }

  /** bytes waiting in the buffer */
  get pending(): number {
    return this.len;
  }

  /** the destination is gone (closed, ended or destroyed): nothing more can be written */
  get closed(): boolean {
    return this.out.destroyed || this.out.writableEnded;
  }

  /**
   * The 8-byte header of one frame of Docker's multiplexed stream, the `length` bytes of which follow. A frame of the
   * same stream right after another in this buffer is merged into it (its length grows): clients print the same, and
   * many short lines cost one frame, not one each.
   */
  frameHeader(stream: number, length: number): void {
    if (this.frameAt >= 0 && this.frameStream === stream && this.len + length <= this.buf.length) {
      this.buf.writeUInt32BE(this.buf.readUInt32BE(this.frameAt + 4) + length, this.frameAt + 4);
      return;
    }
    this.room(8);
    const b = this.buf;
    const at = this.len;
    this.frameAt = at;
    this.frameStream = stream;
    b[at] = stream;
    b[at + 1] = 0;
    b[at + 2] = 0;
    b[at + 3] = 0;
    b.writeUInt32BE(length, at + 4);
    this.len += 8;
  }

  /** A few bytes (a time stamp): copied without a call into native code. */
  small(src: Buffer): void {
    this.room(src.length);
    const b = this.buf;
    let at = this.len;
    for (let i = 0; i < src.length; i++) b[at++] = src[i] as number;
    this.len = at;
  }

  bytes(src: Buffer, start: number, end: number): void {
    if (end - start <= 128 && this.len + end - start <= this.buf.length) {
      // a short line: a loop is cheaper than a call into native code
      const b = this.buf;
      let at = this.len;
      for (let i = start; i < end; i++) b[at++] = src[i] as number;
      this.len = at;
      return;
    }
    while (start < end) {
      if (this.len === this.buf.length) this.flush();
      const n = Math.min(end - start, this.buf.length - this.len);
      src.copy(this.buf, this.len, start, start + n);
      this.len += n;
      start += n;
    }
  }

  /** Hands what is buffered to the destination. */
  flush(): void {
    this.frameAt = -1;
    if (this.len === 0) return;
    if (this.closed) {
      this.len = 0;
      return;
    }
    if (this.len < this.capacity >> 4) {
      // a small batch (a follower's few new lines): copy it and keep the big buffer
      this.out.write(Buffer.from(this.buf.subarray(0, this.len)));
    } else {
      this.out.write(this.buf.subarray(0, this.len));
      this.buf = Buffer.allocUnsafe(this.capacity);
    }
    this.len = 0;
  }

  /** Resolves once the destination wants more (at once when it does already), or is gone. */
  drained(): Promise<void> {
    const out = this.out;
    if (!out.writableNeedDrain || this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      const done = (): void => {
        out.off("drain", done);
        out.off("close", done);
        out.off("error", done);
        resolve();
      };
      out.on("drain", done);
      out.on("close", done);
      out.on("error", done);
    });
  }

  private room(n: number): void {
    if (this.len + n > this.buf.length) this.flush();
  }
}
