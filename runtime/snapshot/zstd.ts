/**
 * zstd decompression of a layer through Debian's `zstd` program: Node 20's zlib has no zstd, and a child process
 * runs on another core besides. The output is the plain tar; a corrupt frame or a missing program fails the stream
 * with an error naming the layer. The program also decodes gzip, xz or lz4 data that follows a zstd frame (Debian
 * builds it with those libraries); the tar parser and the diff ID check still apply to whatever comes out.
 */
import { spawn } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { dataCorruption, invalidArgument } from "../errors.js";

export const ZSTD_BIN = process.env.HAKO_ZSTD ?? "zstd";

export function zstdDecompress(source: Readable, label: string): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  let failed = false;
  let closed = false;
  const child = spawn(ZSTD_BIN, ["-d", "-c", "-q"], { stdio: ["pipe", "pipe", "pipe"] });
  const fail = (err: Error): void => {
    if (failed) return;
    failed = true;
    source.destroy();
    if (!closed) child.kill("SIGKILL");
    out.destroy(err);
  };
  // first, so that a failed spawn (no program, no file descriptors left) is an error of this stream, not a crash
  child.on("error", (err: NodeJS.ErrnoException) => fail(err.code === "ENOENT"
    ? invalidArgument(`${label}: zstd compression needs the zstd program (apt-get install zstd)`)
    : err));
  const { stdin, stdout, stderr } = child;
  if (!stdin || !stdout || !stderr) {
    fail(new Error(`${label}: could not start ${ZSTD_BIN}`));
    return out;
  }
  let errors = "";
  stderr.on("data", (d: Buffer) => (errors = (errors + d.toString()).slice(-1000)));
  // a reader that stops early (a hostile layer refused midway) closes stdin under zstd: that is not its failure
  stdin.on("error", () => {});
  source.on("error", (err) => fail(err));
  source.pipe(stdin);
  stdout.pipe(out, { end: false });
  // 'close' comes after the exit and the end of all three pipes: every byte and every error message is in
  child.on("close", (code, signal) => {
    closed = true;
    if (failed || out.destroyed) return;
    if (code === 0) out.end();
    else fail(dataCorruption(`${label}: not a valid zstd stream (${errors.trim().split("\n").at(-1) || `exit ${code ?? signal}`})`));
  });
  // the reader went away first: stop the program and the source with it
  out.on("close", () => {
    if (closed) return;
    source.destroy();
    child.kill("SIGKILL");
  });
  return out;
}
