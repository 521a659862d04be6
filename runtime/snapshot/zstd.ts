/**
 * zstd decompression of a layer through Debian's `zstd` program: Node 20's zlib has no zstd, and a child process
 * runs on another core besides. The output is the plain tar; a corrupt frame or a missing program fails the stream
 * with an error naming the layer.
 */
import { spawn } from "node:child_process";
import { PassThrough, type Readable } from "node:stream";
import { dataCorruption, invalidArgument } from "../errors.js";

export const ZSTD_BIN = process.env.HAKO_ZSTD ?? "zstd";

export function zstdDecompress(source: Readable, label: string): Readable {
  const out = new PassThrough({ highWaterMark: 1 << 20 });
  const child = spawn(ZSTD_BIN, ["-d", "-c", "-q"], { stdio: ["pipe", "pipe", "pipe"] });
  let stderr = "";
  let failed = false;
  const fail = (err: Error): void => {
    if (failed) return;
    failed = true;
    source.destroy();
    child.kill("SIGKILL");
    out.destroy(err);
  };
  child.stderr.on("data", (d: Buffer) => (stderr = (stderr + d.toString()).slice(-1000)));
  child.on("error", (err: NodeJS.ErrnoException) => fail(err.code === "ENOENT"
    ? invalidArgument(`${label}: zstd compression needs the zstd program (apt-get install zstd)`)
    : err));
  // a reader that stops early (a hostile layer refused midway) closes stdin under zstd: that is not its failure
  child.stdin.on("error", () => {});
  source.on("error", (err) => fail(err));
  source.pipe(child.stdin);
  child.stdout.pipe(out, { end: false });
  let exited: number | null | undefined;
  let drained = false;
  const finish = (): void => {
    if (exited === undefined || !drained || failed) return;
    if (exited === 0) out.end();
    else fail(dataCorruption(`${label}: not a valid zstd stream (${stderr.trim().split("\n").at(-1) ?? `exit ${exited}`})`));
  };
  child.stdout.on("end", () => { drained = true; finish(); });
  child.on("exit", (code) => { exited = code; finish(); });
  out.on("close", () => { if (exited === undefined) child.kill("SIGKILL"); });
  return out;
}
