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
} as const;

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

export function encodeResize(rows: number, cols: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeUInt16BE(rows & 0xffff, 0);
  b.writeUInt16BE(cols & 0xffff, 2);
  return encodeFrame(FrameType.Resize, b);
}

/** Incremental decoder: feed it chunks as they arrive, get whole frames back. */
export class FrameDecoder {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const frames: Frame[] = [];
    let off = 0;
    while (this.pending.length - off >= FRAME_HEADER) {
      const length = this.pending.readUInt32BE(off + 4);
      if (this.pending.length - off < FRAME_HEADER + length) break;
      const type = this.pending.readUInt8(off);
      frames.push({ type, payload: this.pending.subarray(off + FRAME_HEADER, off + FRAME_HEADER + length) });
      off += FRAME_HEADER + length;
    }
    this.pending = off === 0 ? this.pending : Buffer.from(this.pending.subarray(off));
    return frames;
  }

  /** Bytes of an incomplete frame still held. */
  get buffered(): number {
    return this.pending.length;
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
