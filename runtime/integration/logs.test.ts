/**
 * `docker logs` against a real hakod with the stock CLI: follow, tail, since/until, timestamps, streams, tty, large
 * logs, a re-adopted container after kill -9, and attach with logs=1&stream=1 joining replay and live output.
 */
import { writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { demux, spawnDocker } from "./observe-helpers.js";

const STAMP = /^(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z) (.*)$/;

describe.skipIf(!isRoot)("docker logs", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  /** Lets a container that waits for /tmp/go (written from the host into its root) go on. */
  const release = async (id: string): Promise<void> => {
    const full = (await engine.docker(["inspect", "-f", "{{.Id}}", id])).stdout.trim();
    await writeFile(join(new Layout(engine.dataRoot).rootfsDir(full), "tmp", "go"), "");
  };
  const GATED = "echo before; while [ ! -e /tmp/go ]; do usleep 20000; done; echo after; echo done >&2; exit 3";

  it("follows: shows a line written after it started, and ends when the container exits", async () => {
    const id = (await engine.docker(["run", "-d", "--name", "follow-me", B, "sh", "-c", GATED])).stdout.trim();
    const follow = spawnDocker(engine, ["logs", "-f", "follow-me"]);
    await follow.waitFor("before\n");
    expect(follow.stdout()).not.toContain("after");
    await release(id);
    expect(await follow.exited).toBe(0);
    expect(follow.stdout()).toBe("before\nafter\n");
    expect(follow.stderr()).toBe("done\n");
    // on a stopped container, -f just shows the log
    const again = await engine.docker(["logs", "-f", "follow-me"]);
    expect([again.code, again.stdout, again.stderr]).toEqual([0, "before\nafter\n", "done\n"]);
  });

  it("shows the last N lines, lines since and until a time, with Docker's time stamps", async () => {
    const script = "for i in 1 2 3 4 5; do echo line $i; usleep 50000; done; echo oops >&2";
    const id = (await engine.docker(["run", "-d", B, "sh", "-c", script])).stdout.trim();
    await engine.docker(["wait", id]);
    const stamped = await engine.docker(["logs", "-t", id]);
    const lines = stamped.stdout.trimEnd().split("\n").map((l) => STAMP.exec(l));
    expect(lines.every((m) => m !== null)).toBe(true);
    expect(lines.map((m) => m?.[2])).toEqual(["line 1", "line 2", "line 3", "line 4", "line 5"]);
    expect(stamped.stderr).toMatch(/^\d{4}-\d\d-\d\dT[\d:.]+Z oops\n$/);
    const t = lines.map((m) => m?.[1] as string);

    expect((await engine.docker(["logs", "--tail", "2", id])).stdout).toBe("line 5\n");
    expect((await engine.docker(["logs", "--tail", "2", id])).stderr).toBe("oops\n");
    expect((await engine.docker(["logs", "--tail", "0", id])).stdout).toBe("");
    expect((await engine.docker(["logs", "--tail", "all", id])).stdout.split("\n")).toHaveLength(6);
    expect((await engine.docker(["logs", "--since", t[2] as string, id])).stdout).toBe("line 3\nline 4\nline 5\n");
    expect((await engine.docker(["logs", "--until", t[1] as string, id])).stdout).toBe("line 1\nline 2\n");
    expect((await engine.docker(["logs", "--since", t[1] as string, "--until", t[3] as string, "--tail", "2", id])).stdout)
      .toBe("line 3\nline 4\n");
    // relative forms as the CLI converts them
    expect((await engine.docker(["logs", "--since", "1h", id])).stdout.split("\n")).toHaveLength(6);
    expect((await engine.docker(["logs", "--until", "1h", id])).stdout).toBe("");
    expect((await engine.docker(["rm", id])).code).toBe(0);
  });

  it("writes a tty container's log raw", async () => {
    const id = (await engine.docker(["run", "-d", "-t", B, "sh", "-c", "echo hello; echo there"])).stdout.trim();
    await engine.docker(["wait", id]);
    expect((await engine.docker(["logs", id])).stdout).toBe("hello\r\nthere\r\n");
    expect((await engine.docker(["logs", "--tail", "1", id])).stdout).toBe("there\r\n");
    await engine.docker(["rm", id]);
  });

  it("reads a large log back whole", async () => {
    const id = (await engine.docker(["run", "-d", B, "sh", "-c", "yes 0123456789abcdefghijklmnopqrstu | head -c 20000000"]))
      .stdout.trim();
    await engine.docker(["wait", id]);
    const r = await engine.docker(["logs", id], { timeoutMs: 120_000 });
    expect(r.stdout.length).toBe(20_000_000);
    expect(r.stdout.slice(0, 33)).toBe("0123456789abcdefghijklmnopqrstu\n0");
    expect((await engine.docker(["logs", "--tail", "1", id])).stdout).toBe("0123456789abcdefghijklmnopqrstu\n");
    await engine.docker(["rm", id]);
  });

  it("refuses bad values with a message", async () => {
    const id = (await engine.docker(["create", B, "true"])).stdout.trim();
    const bad = await engine.request("GET", `/containers/${id}/logs?stdout=1&since=yesterday`);
    expect(bad.status).toBe(400);
    expect(bad.json<{ message: string }>().message).toContain('invalid value for "since"');
    expect((await engine.request("GET", `/containers/${id}/logs?stdout=1&tail=lots`)).status).toBe(400);
    expect((await engine.request("GET", `/containers/${id}/logs`)).status).toBe(400);
    expect((await engine.docker(["logs", "no-such-container"])).stderr).toContain("No such container: no-such-container");
    // a container that never ran has an empty log
    expect(await engine.docker(["logs", id])).toMatchObject({ code: 0, stdout: "", stderr: "" });
    await engine.docker(["rm", id]);
  });

  it("attach with logs=1&stream=1 neither repeats nor loses a line where the replay meets live output", async () => {
    const id = (await engine.docker(["run", "-d", B, "sh", "-c",
      "i=0; while [ $i -lt 300 ]; do echo $i; i=$((i+1)); usleep 3000; done"])).stdout.trim();
    await new Promise((r) => setTimeout(r, 300)); // join in the middle of the output
    const r = await engine.request("POST", `/containers/${id}/attach?logs=1&stream=1&stdout=1&stderr=1`);
    expect(r.status).toBe(200);
    const numbers = demux(r.body).stdout.trimEnd().split("\n");
    expect(numbers).toEqual(Array.from({ length: 300 }, (_, i) => String(i)));
    await engine.docker(["rm", id]);
  });

  it("follows a container re-adopted after hakod was killed with SIGKILL", async () => {
    const id = (await engine.docker(["run", "-d", "--name", "survivor", B, "sh", "-c", GATED])).stdout.trim();
    await engine.kill9();
    await engine.restart();
    const follow = spawnDocker(engine, ["logs", "-f", "--timestamps", "survivor"]);
    await follow.waitFor("before\n");
    await release(id);
    expect(await follow.exited).toBe(0);
    expect(follow.stdout().split("\n").map((l) => STAMP.exec(l)?.[2])).toEqual(["before", "after", undefined]);
    expect((await engine.docker(["inspect", "-f", "{{.State.ExitCode}}", "survivor"])).stdout.trim()).toBe("3");
  });
});
