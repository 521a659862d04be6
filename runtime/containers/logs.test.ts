/**
 * `docker logs` over log files shaped like hako-shim's (records written here with the shim's record format): lines,
 * filters, tail, time stamps, follow, rotation and a slow reader.
 */
import { appendFile, rename, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { PassThrough, Writable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { encodeLogRecord } from "../oci/frames.js";
import { tempDir } from "../testing/temp.js";
import { streamLogs } from "./log-files.js";
import { formatLogTimestamp, parseTail, type LogViewOptions } from "./logs.js";

const ALL: LogViewOptions = {
  stdout: true, stderr: true, sinceNs: 0n, untilNs: 0n, tail: -1, timestamps: false, multiplexed: true,
};
const T0 = 1_700_000_000_000_000_000n;
const at = (s: number): bigint => T0 + BigInt(s) * 1_000_000_000n;
const rec = (stream: 1 | 2, t: bigint, data: string | Buffer): Buffer => encodeLogRecord(stream, t, data);

/** Splits Docker's multiplexed stream into what the CLI would print on stdout and stderr (and counts frames). */
function demux(buf: Buffer): { stdout: string; stderr: string; frames: number } {
  const out = { stdout: "", stderr: "", frames: 0 };
  let off = 0;
  while (off < buf.length) {
    expect(buf.length - off).toBeGreaterThanOrEqual(8);
    const stream = buf[off];
    const len = buf.readUInt32BE(off + 4);
    const data = buf.subarray(off + 8, off + 8 + len).toString();
    if (stream === 1) out.stdout += data;
    else if (stream === 2) out.stderr += data;
    else throw new Error(`bad stream ${stream}`);
    out.frames++;
    off += 8 + len;
  }
  return out;
}

class Collector extends Writable {
  chunks: Buffer[] = [];
  constructor(private readonly delayMs = 0, highWaterMark?: number) {
    super(highWaterMark === undefined ? {} : { highWaterMark });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.chunks.push(chunk);
    if (this.delayMs > 0) setTimeout(cb, this.delayMs);
    else cb();
  }
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

describe("docker logs from the shim's log file", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let log: string;
  beforeEach(async () => {
    dir = await tempDir();
    log = join(dir.path, "container.log");
  });
  afterEach(() => dir.cleanup());

  const read = async (opts: Partial<LogViewOptions> = {}): Promise<Buffer> => {
    const out = new Collector();
    await streamLogs(log, { ...ALL, ...opts }, out);
    return out.data;
  };

  it("shows both streams apart, in the order written, and an empty log when there is none", async () => {
    expect((await read()).length).toBe(0);
    await writeFile(log, Buffer.concat([rec(1, at(1), "out 1\n"), rec(2, at(2), "err 1\n"), rec(1, at(3), "out 2\nout 3\n")]));
    expect(demux(await read())).toMatchObject({ stdout: "out 1\nout 2\nout 3\n", stderr: "err 1\n" });
    expect(demux(await read({ stderr: false }))).toMatchObject({ stdout: "out 1\nout 2\nout 3\n", stderr: "" });
    expect(demux(await read({ stdout: false }))).toMatchObject({ stdout: "", stderr: "err 1\n" });
  });

  it("stamps each line once, where it starts, with nine fraction digits", async () => {
    const t1 = T0 + 123_456_789n;
    await writeFile(log, Buffer.concat([rec(1, t1, "a\nhal"), rec(2, at(2), "e\n"), rec(1, at(3), "f line\nb\n")]));
    const out = demux(await read({ timestamps: true }));
    expect(out.stdout).toBe(`2023-11-14T22:13:20.123456789Z a\n2023-11-14T22:13:20.123456789Z half line\n` +
      `${formatLogTimestamp(at(3))} b\n`);
    expect(out.stderr).toBe(`${formatLogTimestamp(at(2))} e\n`);
  });

  it("filters by time per line: a line belongs to the time it started", async () => {
    await writeFile(log, Buffer.concat([
      rec(1, at(1), "one\ntw"), rec(1, at(2), "o\nthree\n"), rec(2, at(3), "err\n"), rec(1, at(4), "four\n"),
    ]));
    expect(demux(await read({ sinceNs: at(2) })).stdout).toBe("three\nfour\n");
    expect(demux(await read({ sinceNs: at(2), untilNs: at(3) }))).toMatchObject({ stdout: "three\n", stderr: "err\n" });
    expect(demux(await read({ untilNs: at(1) })).stdout).toBe("one\ntwo\n");
    // the bounds are inclusive, to the nanosecond
    expect(demux(await read({ sinceNs: at(4), untilNs: at(4) })).stdout).toBe("four\n");
    expect(demux(await read({ sinceNs: at(4) + 1n })).stdout).toBe("");
  });

  it("keeps the last N lines of the chosen streams", async () => {
    await writeFile(log, Buffer.concat([
      rec(1, at(1), "o1\no2\n"), rec(2, at(2), "e1\n"), rec(1, at(3), "o3\no"), rec(1, at(4), "4\n"), rec(2, at(5), "e2\n"),
    ]));
    expect(demux(await read({ tail: 2 }))).toMatchObject({ stdout: "o4\n", stderr: "e2\n" });
    expect(demux(await read({ tail: 2, stderr: false })).stdout).toBe("o3\no4\n");
    expect(demux(await read({ tail: 1, stderr: false })).stdout).toBe("o4\n");
    expect((await read({ tail: 0 })).length).toBe(0);
    expect(demux(await read({ tail: 100 }))).toMatchObject({ stdout: "o1\no2\no3\no4\n", stderr: "e1\ne2\n" });
    expect(demux(await read({ tail: 1, stderr: false, timestamps: true })).stdout).toBe(`${formatLogTimestamp(at(3))} o4\n`);
    expect(demux(await read({ tail: 3, sinceNs: at(2) }))).toMatchObject({ stdout: "o3\no4\n", stderr: "e2\n" });
  });

  it("writes a tty container's output raw, without frame headers", async () => {
    await writeFile(log, Buffer.concat([rec(1, at(1), "hello\r\n"), rec(1, at(2), "world\r\n")]));
    expect((await read({ multiplexed: false })).toString()).toBe("hello\r\nworld\r\n");
    expect((await read({ multiplexed: false, tail: 1 })).toString()).toBe("world\r\n");
  });

  it("ignores a torn last record and stops at bytes that are no record", async () => {
    const torn = rec(1, at(3), "torn\n").subarray(0, 20);
    await writeFile(log, Buffer.concat([rec(1, at(1), "kept\n"), rec(2, at(2), "also\n"), torn]));
    expect(demux(await read())).toMatchObject({ stdout: "kept\n", stderr: "also\n" });
    await writeFile(log, Buffer.concat([rec(1, at(1), "kept\n"), Buffer.from("garbage that is not a record header"),
      rec(1, at(2), "unreachable\n")]));
    expect(demux(await read()).stdout).toBe("kept\n");
  });

  it("reads records larger than its buffer and long logs whole", async () => {
    const big = Buffer.alloc(3 << 20, "x");
    big[big.length - 1] = 0x0a;
    const many = Array.from({ length: 20_000 }, (_, i) => rec(i % 3 === 0 ? 2 : 1, at(i), `line ${i}\n`));
    await writeFile(log, Buffer.concat([rec(1, at(0), big), ...many]));
    const out = demux(await read());
    expect(out.stdout.length + out.stderr.length).toBe(big.length + many.reduce((n, r) => n + r.length - 16, 0));
    expect(out.stdout.startsWith("xxxx")).toBe(true);
    expect(out.stderr.split("\n").length - 1).toBe(6667);
    expect(demux(await read({ tail: 3 }))).toMatchObject({ stdout: "line 19997\nline 19999\n", stderr: "line 19998\n" });
  });

  it("respects a slow reader's backpressure and still delivers every byte", async () => {
    const lines = Array.from({ length: 5000 }, (_, i) => rec(1, at(i), `${"y".repeat(1000)} ${i}\n`));
    await writeFile(log, Buffer.concat(lines));
    const out = new Collector(1, 16 * 1024);
    await streamLogs(log, ALL, out);
    const text = demux(out.data).stdout;
    expect(text.split("\n").length - 1).toBe(5000);
    expect(text.endsWith(" 4999\n")).toBe(true);
  });

  it("reads rotated files oldest first, and tail counts across them", async () => {
    await writeFile(`${log}.2`, rec(1, at(1), "first\n"));
    await writeFile(`${log}.1`, Buffer.concat([rec(1, at(2), "second\nthi"), rec(2, at(3), "err\n")]));
    await writeFile(log, rec(1, at(4), "rd\nfourth\n"));
    await writeFile(`${log}.1.gz`, "not part of the chain");
    expect(demux(await read())).toMatchObject({ stdout: "first\nsecond\nthird\nfourth\n", stderr: "err\n" });
    expect(demux(await read({ tail: 2, stderr: false })).stdout).toBe("third\nfourth\n");
  });

  it("agrees with a naive line-by-line reading on random logs, filters and tails", async () => {
    let seed = 42;
    const rand = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    for (let round = 0; round < 60; round++) {
      const records: Array<{ stream: 1 | 2; t: bigint; data: string }> = [];
      for (let i = 0, n = 1 + rand(30); i < n; i++) {
        const data = Array.from({ length: 1 + rand(5) }, () => ["a", "bc", "\n", "def\n", "x".repeat(40)][rand(5)]).join("");
        records.push({ stream: rand(3) === 0 ? 2 : 1, t: at(i), data });
      }
      await writeFile(log, Buffer.concat(records.map((r) => rec(r.stream, r.t, r.data))));
      // the model: lines per stream, each with the time of the record it starts in, in the order they start
      const lines: Array<{ stream: 1 | 2; t: bigint; text: string }> = [];
      const open: Record<number, { stream: 1 | 2; t: bigint; text: string } | undefined> = {};
      for (const r of records) {
        for (const piece of r.data.split(/(?<=\n)/)) {
          let line = open[r.stream];
          if (!line) {
            line = { stream: r.stream, t: r.t, text: "" };
            lines.push(line);
          }
          line.text += piece;
          open[r.stream] = piece.endsWith("\n") ? undefined : line;
        }
      }
      const opts: LogViewOptions = {
        ...ALL,
        stdout: rand(4) !== 0,
        stderr: rand(4) !== 0,
        sinceNs: rand(2) ? at(rand(10)) : 0n,
        untilNs: rand(2) ? at(5 + rand(30)) : 0n,
        tail: rand(2) ? rand(8) : -1,
        timestamps: rand(2) === 0,
      };
      if (!opts.stdout && !opts.stderr) opts.stdout = true;
      let want = lines.filter((l) => (l.stream === 1 ? opts.stdout : opts.stderr) &&
        (opts.sinceNs === 0n || l.t >= opts.sinceNs) && (opts.untilNs === 0n || l.t <= opts.untilNs));
      if (opts.tail >= 0) want = opts.tail === 0 ? [] : want.slice(-opts.tail);
      const text = (s: 1 | 2): string => want.filter((l) => l.stream === s)
        .map((l) => (opts.timestamps ? `${formatLogTimestamp(l.t)} ${l.text}` : l.text)).join("");
      const got = demux(await read(opts));
      expect({ stdout: got.stdout, stderr: got.stderr }, JSON.stringify({ round, records, opts }, (_k, v) =>
        (typeof v === "bigint" ? String(v) : v))).toEqual({ stdout: text(1), stderr: text(2) });
    }
  });

  it("rejects a tail that is not a number", () => {
    expect(parseTail("all")).toBe(-1);
    expect(parseTail(null)).toBe(-1);
    expect(parseTail("5")).toBe(5);
    expect(parseTail("-1")).toBe(-1);
    expect(() => parseTail("five")).toThrow(/invalid value for "tail"/);
  });

  describe("following", () => {
    /** Follows the log into a PassThrough; returns a function that waits for `text` to appear on stdout. */
    const follow = (opts: Partial<LogViewOptions> = {}) => {
      let stop!: () => void;
      const stopped = new Promise<void>((r) => (stop = r));
      const out = new PassThrough();
      const chunks: Buffer[] = [];
      out.on("data", (c: Buffer) => chunks.push(c));
      const done = streamLogs(log, { ...ALL, ...opts }, out, { stopped });
      const seen = async (text: string): Promise<void> => {
        while (!demux(Buffer.concat(chunks)).stdout.includes(text)) await new Promise((r) => setTimeout(r, 10));
      };
      const result = () => demux(Buffer.concat(chunks));
      return { stop, done, seen, result, out };
    };

    it("sends lines written after it started and ends, complete, once told the container stopped", async () => {
      await writeFile(log, rec(1, at(1), "before\n"));
      const f = follow();
      await f.seen("before\n");
      await appendFile(log, rec(1, at(2), "after\n"));
      await f.seen("after\n");
      await appendFile(log, Buffer.concat([rec(2, at(3), "last words\n"), rec(1, at(4), "bye\n")]));
      f.stop();
      await f.done;
      expect(f.result()).toMatchObject({ stdout: "before\nafter\nbye\n", stderr: "last words\n" });
    });

    it("waits for a log that does not exist yet", async () => {
      const f = follow();
      await new Promise((r) => setTimeout(r, 50));
      await writeFile(log, rec(1, at(1), "born\n"));
      await f.seen("born\n");
      f.stop();
      await f.done;
      expect(f.result().stdout).toBe("born\n");
    });

    it("follows the log across rotations without repeating or losing a record", async () => {
      await writeFile(log, rec(1, at(1), "a\n"));
      const f = follow();
      await f.seen("a\n");
      await appendFile(log, rec(1, at(2), "b\n"));
      // rotate twice before the follower may look: container.log → .1 → .2
      await rename(log, `${log}.1`);
      await writeFile(log, rec(1, at(3), "c\n"));
      await rename(`${log}.1`, `${log}.2`);
      await rename(log, `${log}.1`);
      await writeFile(log, rec(1, at(4), "d\n"));
      await f.seen("d\n");
      await appendFile(log, rec(1, at(5), "e\n"));
      f.stop();
      await f.done;
      expect(f.result().stdout).toBe("a\nb\nc\nd\ne\n");
    });

    it("starts from the last N lines", async () => {
      await writeFile(log, Buffer.concat([rec(1, at(1), "1\n2\n3\n")]));
      const f = follow({ tail: 1 });
      await f.seen("3\n");
      await appendFile(log, rec(1, at(2), "4\n"));
      await f.seen("4\n");
      f.stop();
      await f.done;
      expect(f.result().stdout).toBe("3\n4\n");
    });

    it("ends once `until` has passed", async () => {
      await writeFile(log, rec(1, at(1), "old\n"));
      const f = follow({ untilNs: BigInt(Date.now() + 200) * 1_000_000n });
      await f.done;
      expect(f.result().stdout).toBe("old\n");
    });

    it("stops when the reader goes away", async () => {
      await writeFile(log, rec(1, at(1), "x\n"));
      const f = follow();
      await f.seen("x\n");
      f.out.destroy();
      await f.done;
    });
  });
});
