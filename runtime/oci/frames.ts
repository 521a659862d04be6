/**
 * Frame codecs shared by the hako-shim socket, the shim's log file and the Docker multiplexed stream.
 *
 * - Socket frame (runtime/native/README.md): `[type u8][0][0][0][length u32 BE]` then `length` bytes. Types 1 and 2
 *   (stdout, stderr) are byte-identical to Docker's multiplexed stream, so output frames are relayed unchanged.
 * - Log record: `[stream u8][0][0][0][length u32 BE][time u64 BE, ns since the epoch]` then `length` bytes.
 */

export const FrameType = {
  Stdin: 0,
  Stdout: 1,
  Stderr: 2,
  Exit: 3,
  CloseStdin: 4,
  Resize: 5,
  Start: 6,
  Signal: 7,
  /** client → shim: which output this connection gets (payload: OutputMode bits) */
  Output: 8,
  /** client → shim: write output to this descriptor of mine (encodeSink); shim → client: the answer */
  Sink: 9,
  /** client → shim: stop writing to that sink (payload: its id, u64 BE) */
  SinkDrop: 10,
} as const;

/** Bits of an Output frame (runtime/native/README.md): output frames on; never dropped for not reading. */
export const OutputMode = { On: 1, Patient: 2 } as const;

export const FRAME_HEADER = 8;
export const LOG_HEADER = 16;

export interface Frame {
  type: number;
  payload: Buffer;
}

export function encodeFrame(type: number, payload: Buffer | string = Buffer.alloc(0)): Buffer {
  const body = typeof payload === "string" ? Buffer.from(payload) : payload;
  const out = Buffer.allocUnsafe(FRAME_HEADER + body.length);
  out.writeUInt32BE(0, 0);
  out.writeUInt8(type, 0);
  out.writeUInt32BE(body.length, 4);
  body.copy(out, FRAME_HEADER);
  return out;
}

export function encodeSignal(signal: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt32BE(signal, 0);
  return encodeFrame(FrameType.Signal, b);
}

export function encodeOutputMode(mode: number): Buffer {
  return encodeFrame(FrameType.Output, Buffer.from([mode]));
}

/**
 * A connection of hakod's handed to the shim (runtime/native/README.md, frame 9): `fd` of process `pid`, whose inode
 * (`id`) the shim checks; `raw`: no frame headers (a tty's stream); `streams`: bit 0 stdout, bit 1 stderr.
 */
export function encodeSink(o: { raw: boolean; streams: number; pid: number; fd: number; id: number }): Buffer {
  const b = Buffer.alloc(20);
  b.writeUInt8(o.raw ? 1 : 0, 0);
  b.writeUInt8(o.streams, 1);
  b.writeUInt32BE(o.pid, 4);
  b.writeUInt32BE(o.fd, 8);
  b.writeBigUInt64BE(BigInt(o.id), 12);
  return encodeFrame(FrameType.Sink, b);
}

export function encodeSinkDrop(id: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(id), 0);
  return encodeFrame(FrameType.SinkDrop, b);
}

export function encodeResize(rows: number, cols: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(rows & 0xffff, 0);
  b.writeUInt16BE(cols & 0xffff, 2);
  return encodeFrame(FrameType.Resize, b);
}

/**
 * Incremental decoder: feed it chunks as they arrive, get frames back. Payloads are views of the chunks (never
 * copied, unless a frame of a whole type spans chunks: then once). A frame of a `streamed` type comes back as
 * pieces, one per chunk it spans (none when empty), as soon as they arrive: for output, whose consumers take any
 * split, this keeps nothing back and copies nothing.
 */
export class FrameDecoder {
  private readonly header = Buffer.alloc(FRAME_HEADER);
  private headerGot = 0;
  private type = 0;
  /** payload bytes of the current frame still to come */
  private remaining = 0;
  /** the current (whole-type) frame's payload so far */
  private parts: Buffer[] = [];
  private held = 0;

  constructor(private readonly streamed: ReadonlySet<number> = new Set()) {}

  push(chunk: Buffer): Frame[] {
    const frames: Frame[] = [];
    let off = 0;
    while (off < chunk.length) {
      if (this.headerGot < FRAME_HEADER) {
        const take = Math.min(FRAME_HEADER - this.headerGot, chunk.length - off);
        chunk.copy(this.header, this.headerGot, off, off + take);
        this.headerGot += take;
        off += take;
        if (this.headerGot < FRAME_HEADER) break;
        this.type = this.header.readUInt8(0);
        this.remaining = this.header.readUInt32BE(4);
      }
      const take = Math.min(this.remaining, chunk.length - off);
      const piece = chunk.subarray(off, off + take);
      off += take;
      this.remaining -= take;
      const streamed = this.streamed.has(this.type);
      if (streamed && take > 0) frames.push({ type: this.type, payload: piece });
      if (!streamed && take > 0) {
        this.parts.push(piece);
        this.held += take;
      }
      if (this.remaining > 0) break;
      if (!streamed) {
        const payload = this.parts.length === 1 ? this.parts[0] as Buffer : Buffer.concat(this.parts, this.held);
        frames.push({ type: this.type, payload });
      }
      this.headerGot = 0;
      this.parts = [];
      this.held = 0;
    }
    return frames;
  }

  /** Bytes of an incomplete frame still held (a streamed frame's pieces are not held). */
  get buffered(): number {
    return this.headerGot + this.held;
  }
}

export interface LogRecord {
  stream: 1 | 2;
  /** nanoseconds since the epoch */
  timeNs: bigint;
  data: Buffer;
}

/** Decodes log records from a whole buffer; a truncated last record (the shim died mid-write) is ignored. */
export function decodeLogRecords(buf: Buffer): LogRecord[] {
  const dec = new LogDecoder();
  return dec.push(buf);
}

export class LogDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): LogRecord[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const out: LogRecord[] = [];
    let off = 0;
    while (this.pending.length - off >= LOG_HEADER) {
      const length = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off < LOG_HEADER + length) break;
      const stream = this.pending.readUInt8(off) === 2 ? 2 : 1;
      const timeNs = this.pending.readBigUInt64BE(off + 8);
      out.push({ stream, timeNs, data: this.pending.subarray(off + LOG_HEADER, off + LOG_HEADER + length) });
      off += LOG_HEADER + length;
    }
    this.pending = off === 0 ? this.pending : Buffer.from(this.pending.subarray(off));
    return out;
  }
}

export function encodeLogRecord(stream: 1 | 2, timeNs: bigint, data: Buffer | string): Buffer {
  const body = typeof data === "string" ? Buffer.from(data) : data;
  const out = Buffer.alloc(LOG_HEADER + body.length);
  out.writeUInt8(stream, 0);
  out.writeUInt32BE(body.length, 4);
  out.writeBigUInt64BE(timeNs, 8);
  body.copy(out, LOG_HEADER);
  return out;
}
