/**
 * Log rotation through the stock docker CLI (`--log-opt max-size=… --log-opt max-file=…`, or HostConfig.LogConfig):
 * hako-shim rotates the log where it writes it; `docker logs` reads the kept files as one log, `docker logs -f`
 * follows across rotations. Bad drivers and sizes are refused at create.
 */
import { readdir, readFile, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { spawnDocker } from "./observe-helpers.js";

/** the records of a log file: [payload bytes of the largest, lines in order] */
async function records(file: string): Promise<{ largest: number; lines: string[] }> {
  const buf = await readFile(file);
  let largest = 0;
  let text = "";
  for (let off = 0; off + 16 <= buf.length;) {
    const len = buf.readUInt32BE(off + 4);
    largest = Math.max(largest, 16 + len);
    text += buf.subarray(off + 16, off + 16 + len).toString();
    off += 16 + len;
  }
  return { largest, lines: text.split("\n").filter(Boolean) };
}

const linesOf = (out: string): string[] => out.split("\n").filter(Boolean);
const lineNumbers = (lines: string[]): number[] => lines.map((l) => Number(l.split(" ")[1]));
const consecutive = (ns: number[]): boolean => ns.every((n, i) => i === 0 || n === (ns[i - 1] as number) + 1);

describe.skipIf(!isRoot)("log rotation (docker run --log-opt max-size/max-file)", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("keeps 3 files of about 10k from 100 KB of output; logs and logs -f show the lines in order without a gap",
    async () => {
      // `ready` (for the follower to show it is attached), then 1000 lines of 100 bytes once the test says go, slower
      // than a reader even on a busy machine (a file rotated away before being read is lost to a follower, as under
      // Docker)
      const script = "echo ready; while [ ! -e /tmp/go ]; do usleep 20000; done; i=1; while [ $i -le 1000 ]; do "
        + "printf 'line %05d %088d\\n' $i $i; i=$((i+1)); usleep 3000; done";
      const id = (await engine.docker(["run", "-d", "--log-opt", "max-size=10k", "--log-opt", "max-file=3", B,
        "sh", "-c", script])).stdout.trim();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      const layout = new Layout(engine.dataRoot);
      const follow = spawnDocker(engine, ["logs", "-f", id]);
      await follow.waitFor("ready\n"); // the follower is reading before the writes
      await writeFile(join(layout.rootfsDir(id), "tmp", "go"), "");
      expect((await engine.docker(["wait", id], { timeoutMs: 60_000 })).stdout.trim()).toBe("0");
      expect(await follow.exited).toBe(0);

      const [first, ...followed] = linesOf(follow.stdout());
      expect(first).toBe("ready");
      // every line, although the files it was read from were deleted meanwhile (and their inode numbers reused)
      expect(lineNumbers(followed)).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));

      const dir = dirname(layout.containerLog(id));
      const files = (await readdir(dir)).filter((f) => /^container\.log(\.\d+)?$/.test(f)).sort();
      expect(files).toEqual(["container.log", "container.log.1", "container.log.2"]);
      for (const f of files) {
        const { largest } = await records(join(dir, f));
        expect((await stat(join(dir, f))).size).toBeLessThanOrEqual(10 * 1024 + largest);
      }

      const shown = lineNumbers(linesOf((await engine.docker(["logs", id])).stdout)); // `ready` was rotated away
      expect(consecutive(shown)).toBe(true);
      expect(shown[shown.length - 1]).toBe(1000);
      expect(shown.length).toBeGreaterThan(150); // two full files (about 88 records of 116 bytes each) at least
      expect(shown.length).toBeLessThan(1000); // the oldest were rotated away
      expect(lineNumbers(linesOf((await engine.docker(["logs", "--tail", "5", id])).stdout))).toEqual([996, 997, 998, 999, 1000]);

      const inspect = JSON.parse((await engine.docker(["inspect", id])).stdout)[0];
      expect(inspect.HostConfig.LogConfig).toEqual({ Type: "hako-shim", Config: { "max-size": "10k", "max-file": "3" } });
      await engine.docker(["rm", id]);
    });

  it("takes the driver by Docker's names and HostConfig.LogConfig from the API", async () => {
    const r = await engine.docker(["create", "--log-driver", "json-file", "--log-opt", "max-size=1m", B, "true"]);
    expect(r.code).toBe(0);
    const id = r.stdout.trim();
    expect((await engine.docker(["inspect", "-f", "{{json .HostConfig.LogConfig}}", id])).stdout.trim())
      .toBe('{"Type":"json-file","Config":{"max-size":"1m"}}');
    await engine.docker(["rm", id]);
    const api = await engine.request("POST", "/containers/create", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ Image: B, Cmd: ["true"], HostConfig: { LogConfig: { Type: "local", Config: {} } } }),
    });
    expect(api.status).toBe(201);
    await engine.docker(["rm", api.json<{ Id: string }>().Id]);
  });

  it("refuses an unknown driver, a bad size or count and an unknown option with 400, creating nothing", async () => {
    const before = (await engine.docker(["ps", "-aq"])).stdout;
    for (const [opts, message] of [
      [["--log-driver", "syslog"], /no log driver named 'syslog'/],
      [["--log-opt", "max-size=12zz"], /invalid size: '12zz'/],
      [["--log-opt", "max-size=0"], /max-size must be a positive number/],
      [["--log-opt", "max-size=1m", "--log-opt", "max-file=0"], /max-file cannot be less than 1/],
      [["--log-opt", "max-file=3"], /max-file can only be set when max-size is set/],
      [["--log-opt", "colour=blue"], /unknown log opt 'colour'/],
    ] as Array<[string[], RegExp]>) {
      const r = await engine.docker(["create", ...opts, B, "true"]);
      expect(r.code, opts.join(" ")).toBe(1);
      expect(r.stderr).toMatch(message);
    }
    const api = await engine.request("POST", "/containers/create", {
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ Image: B, Cmd: ["true"], HostConfig: { LogConfig: { Type: "gelf", Config: {} } } }),
    });
    expect(api.status).toBe(400);
    expect((await engine.docker(["ps", "-aq"])).stdout).toBe(before);
  });
});
