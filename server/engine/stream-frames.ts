/**
 * The byte streams the Docker API answers logs and attach with, taken apart.
 *
 * - **multiplexed** (a container without a TTY): frames of an 8-byte header — stream type (0 stdin, 1 stdout,
 *   2 stderr), three zero bytes, the payload length as a big-endian uint32 — then the payload.
 * - **raw** (a container with a TTY): the bytes as the terminal wrote them, all on stdout.
 *
 * Frames and lines arrive split across chunks at arbitrary points; both parsers keep what is incomplete until the rest
 * arrives, and `flush` hands over an unterminated last line when the stream ends.
 */

export type StreamName = "stdout" | "stderr";

export interface Frame {
  stream: StreamName;
  data: Buffer;
}

const HEADER = 8;

export class FrameDemuxer {
  private pending: Buffer = Buffer.alloc(0);

  push(chunk: Buffer): Frame[] {
    this.pending = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    const frames: Frame[] = [];
    let offset = 0;
    while (this.pending.length - offset >= HEADER) {
      const size = this.pending.readUInt32BE(offset + 4);
      if (this.pending.length - offset - HEADER < size) break;
      const type = this.pending[offset];
      const data = this.pending.subarray(offset + HEADER, offset + HEADER + size);
      // stdin (0) is echoed only by attach; it is not part of a container's output
      if (type === 1 || type === 2) frames.push({ stream: type === 2 ? "stderr" : "stdout", data });
      offset += HEADER + size;
    }
    this.pending = this.pending.subarray(offset);
    return frames;
  }
}

/** Splits one stream's bytes into lines (without their "\n"; a "\r\n" loses its "\r" too). */
export class LineSplitter {
  private partial: Buffer[] = [];

  /** Longer lines are cut here, so one endless line cannot hold the whole stream in memory. */
  constructor(private readonly maxLineBytes = 64 * 1024) {}

  push(data: Buffer): Buffer[] {
    const lines: Buffer[] = [];
    let start = 0;
    for (let nl = data.indexOf(10, start); nl >= 0; nl = data.indexOf(10, start)) {
      this.partial.push(data.subarray(start, nl));
      lines.push(this.take());
      start = nl + 1;
    }
    if (start < data.length) this.partial.push(data.subarray(start));
    if (this.partialLength() >= this.maxLineBytes) lines.push(this.take());
    return lines;
  }

  flush(): Buffer[] {
    return this.partialLength() > 0 ? [this.take()] : [];
  }

  private partialLength(): number {
    return this.partial.reduce((sum, part) => sum + part.length, 0);
  }

  private take(): Buffer {
    const line = Buffer.concat(this.partial);
    this.partial = [];
    return line.length && line[line.length - 1] === 13 ? line.subarray(0, -1) : line;
  }
}
