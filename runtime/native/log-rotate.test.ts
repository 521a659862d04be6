/**
 * hako-shim's log rotation (README.md, "Log file": `--log-max-size`, `--log-max-files`): a container that writes
 * more than the limit leaves at most N files, each at most the size plus one record, which hold the newest output,
 * oldest first, without a gap.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Client, isRoot, live, prepare, readLog, SHIM, shimArgs, useShimHarness } from "./test/harness.js";

/** create with extra command-line flags; returns the handshake line and the log's path */
async function runWithFlags(args: string[], flags: string[]) {
  const { id, dir, socket } = prepare(args);
  const proc = spawn(SHIM, shimArgs(dir, id, socket, flags), { detached: true, stdio: ["ignore", "pipe", "pipe"] });
  let out = "";
  let err = "";
  proc.stderr!.on("data", (d: Buffer) => (err += d.toString()));
  const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
  const line = await new Promise<string>((resolve) => {
    proc.stdout!.on("data", (d: Buffer) => {
      out += d.toString();
      if (out.includes("\n")) resolve(out.slice(0, out.indexOf("\n")));
    });
    proc.stdout!.on("end", () => resolve(out));
  });
  const files = { log: path.join(dir, "log"), exit: path.join(dir, "exit.json"), pid: path.join(dir, "init.pid") };
  live.push({ id, dir, socket, proc, line, exited, stderr: () => err, files });
  return { line, dir, socket, log: files.log, exited };
}

/** the log files of a directory, oldest first: log.N … log.1, log */
function chain(dir: string): string[] {
  const nums = fs.readdirSync(dir).filter((f) => /^log\.\d+$/.test(f)).map((f) => Number(f.slice(4))).sort((a, b) => b - a);
  return [...nums.map((n) => path.join(dir, `log.${n}`)), path.join(dir, "log")].filter((f) => fs.existsSync(f));
}

/** `seq`-like output: one numbered line per write, so a record holds whole lines */
const WRITER = (n: number) => ["sh", "-c", `i=1; while [ $i -le ${n} ]; do echo "line $i $(printf '%080d' $i)"; i=$((i+1)); done`];

describe.skipIf(!isRoot)("hako-shim log rotation", () => {
  useShimHarness();

  it("keeps at most N files of about max-size each, holding the newest lines in order without a gap", async () => {
    const shim = await runWithFlags(WRITER(2000), ["--log-max-size", "10240", "--log-max-files", "3"]);
    expect(shim.line).toMatch(/^ready \d+$/);
    const client = await Client.connect(shim.socket);
    client.start();
    expect((await client.exit()).exitCode).toBe(0);
    expect(client.output(1).split("\n").filter(Boolean)).toHaveLength(2000); // clients see everything

    const files = chain(shim.dir);
    expect(files.map((f) => path.basename(f))).toEqual(["log.2", "log.1", "log"]);
    const lines: number[] = [];
    const recordSize = (r: { data: string }) => 16 + Buffer.byteLength(r.data);
    for (const [i, f] of files.entries()) {
      const records = readLog(f);
      const size = fs.statSync(f).size;
      // a file takes records until the next would pass the limit (one record alone may pass it)
      expect(size - recordSize(records[records.length - 1]!)).toBeLessThan(10240);
      if (i < files.length - 1) expect(size + recordSize(readLog(files[i + 1]!)[0]!)).toBeGreaterThan(10240);
      for (const r of records) {
        for (const l of r.data.split("\n").filter(Boolean)) lines.push(Number(l.split(" ")[1]));
      }
    }
    expect(lines[lines.length - 1]).toBe(2000);
    expect(lines).toEqual(lines.map((_, i) => lines[0]! + i)); // contiguous: nothing lost between files
    expect(lines.length).toBeGreaterThan(200);
  });

  it("with --log-max-files 1 (the default), starts the log again when it is full", async () => {
    const shim = await runWithFlags(WRITER(1000), ["--log-max-size", "8192"]);
    const client = await Client.connect(shim.socket);
    client.start();
    expect((await client.exit()).exitCode).toBe(0);
    expect(chain(shim.dir).map((f) => path.basename(f))).toEqual(["log"]);
    const data = readLog(shim.log).map((r) => r.data).join("");
    expect(fs.statSync(shim.log).size).toBeLessThanOrEqual(8192 + 16 + 65536);
    expect(data.trimEnd().split("\n").pop()).toMatch(/^line 1000 /);
  });

  it("counts what the log already holds, and deletes numbered files beyond the limit left by an earlier run", async () => {
    const { id, dir, socket } = prepare(["sh", "-c", "echo one more line"]);
    const log = path.join(dir, "log");
    // an earlier run's log, already at the limit, and a stale log.5 from a larger max-file
    const rec = Buffer.alloc(16 + 4000, "x");
    rec.writeUInt32BE(1, 0);
    rec.writeUInt32BE(4000, 4);
    fs.writeFileSync(log, Buffer.concat([rec, rec]));
    fs.writeFileSync(path.join(dir, "log.5"), "");
    const proc = spawn(SHIM, shimArgs(dir, id, socket, ["--log-max-size", "8032", "--log-max-files", "2"]),
      { detached: true, stdio: ["ignore", "pipe", "ignore"] });
    const exited = new Promise<number | null>((resolve) => proc.on("exit", (code) => resolve(code)));
    const line = await new Promise<string>((resolve) => proc.stdout!.once("data", (d: Buffer) => resolve(d.toString())));
    live.push({ id, dir, socket, proc, line, exited, stderr: () => "",
      files: { log, exit: path.join(dir, "exit.json"), pid: path.join(dir, "init.pid") } });
    const client = await Client.connect(socket);
    client.start();
    await client.exit();
    expect(chain(dir).map((f) => path.basename(f))).toEqual(["log.1", "log"]);
    expect(fs.statSync(path.join(dir, "log.1")).size).toBe(2 * (16 + 4000));
    expect(readLog(log).map((r) => r.data)).toEqual(["one more line\n"]);
  });

  it("refuses a bad --log-max-size or --log-max-files before anything exists", async () => {
    for (const flags of [["--log-max-size", "10k"], ["--log-max-size", "0"], ["--log-max-size", "-5"],
      ["--log-max-size", "100", "--log-max-files", "0"]]) {
      const shim = await runWithFlags(["true"], flags);
      expect(shim.line).toMatch(/^error bad --log-max-(size|files) /);
      expect(await shim.exited).toBe(1);
      expect(fs.existsSync(shim.log)).toBe(false);
    }
  });
});
