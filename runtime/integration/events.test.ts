/**
 * `docker events` against a real hakod with the stock CLI: the lifecycle of a container in Docker's words, filters,
 * since/until, the live stream, image events, and the history surviving a restart of hakod.
 *
 * The CLI itself refuses `--until now` ("failed to parse value as time or duration"), and `--until 0s` is now cut to
 * whole seconds (by the CLI, as with dockerd), which would leave out what happened in the current second: "until now"
 * is the current time in RFC 3339 here.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { hasEnded } from "./host-process.js";
import { spawnDocker, streamLines } from "./observe-helpers.js";
import { pendingRequest } from "./pending-request.js";

interface Message {
  status?: string;
  id?: string;
  from?: string;
  Type: string;
  Action: string;
  Actor: { ID: string; Attributes: Record<string, string> };
  scope: string;
  time: number;
  timeNano: number;
}

const now = (): string => new Date().toISOString();
/** how long to poll for what a container does next: generous, for a slow or loaded machine */
const POLL = { timeout: 20_000, interval: 100 };
/** the container names of raw event lines */
const names = (lines: string[]): string[] => lines.map((l) => (JSON.parse(l) as Message).Actor.Attributes.name ?? "");

describe.skipIf(!isRoot)("docker events", () => {
  let engine: EngineHandle;
  let B: string;
  let t0: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    B = await engine.loadBusybox();
    t0 = String(Math.floor(Date.now() / 1000) - 1);
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  const past = async (...filters: string[]): Promise<string[]> => {
    const args = ["events", "--since", t0, "--until", now(), "--format", "{{.Type}} {{.Action}} {{.Actor.Attributes.name}}"];
    for (const f of filters) args.push("--filter", f);
    const r = await engine.docker(args);
    expect(r.stderr).toBe("");
    return r.stdout.split("\n").filter(Boolean);
  };

  it("tells a container's life in Docker's words, and the CLI prints them", async () => {
    const run = await engine.docker(["run", "--rm", "--name", "brief", "--label", "team=a", B, "sh", "-c", "exit 3"]);
    expect(run.code).toBe(3);
    expect(await past("container=brief")).toEqual([
      "container create brief", "container attach brief", "container start brief", "container die brief",
      "container destroy brief",
    ]);
    const plain = await engine.docker(["events", "--since", t0, "--until", now(), "--filter", "container=brief",
      "--filter", "event=die"]);
    expect(plain.stdout).toMatch(new RegExp(
      `^\\d{4}-\\d\\d-\\d\\dT[\\d:.]+Z container die [0-9a-f]{64} \\(exitCode=3, image=${B.replace(/[.]/g, "\\.")}, ` +
      "name=brief, team=a\\)\\n$"));
  });

  it("sends Docker's message fields, legacy ones included", async () => {
    const r = await engine.docker(["events", "--since", t0, "--until", now(), "--filter", "event=die",
      "--filter", "container=brief", "--format", "{{json .}}"]);
    const m = JSON.parse(r.stdout) as Message;
    expect(m).toMatchObject({
      status: "die", from: B, Type: "container", Action: "die", scope: "local",
      Actor: { Attributes: { exitCode: "3", image: B, name: "brief", team: "a" } },
    });
    expect(m.id).toBe(m.Actor.ID);
    expect(m.Actor.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(String(m.timeNano).slice(0, 10)).toBe(String(m.time));
  });

  it("reports kill with its signal, then die and stop, for docker stop", async () => {
    await engine.docker(["run", "-d", "--name", "stopper", B, "sh", "-c",
      "trap 'exit 0' TERM; echo ready; while true; do usleep 50000; done"]);
    // sh as pid 1 ignores a TERM it has no trap for yet: stop only once the trap is set
    await expect.poll(async () => (await engine.docker(["logs", "stopper"])).stdout, POLL).toBe("ready\n");
    expect((await engine.docker(["stop", "stopper"])).code).toBe(0);
    const r = await engine.docker(["events", "--since", t0, "--until", now(), "--filter", "container=stopper",
      "--format", "{{.Action}} {{index .Actor.Attributes \"signal\"}}{{index .Actor.Attributes \"exitCode\"}}"]);
    expect(r.stdout.split("\n").filter(Boolean)).toEqual(["create ", "start ", "kill 15", "die 0", "stop "]);
    await engine.docker(["rm", "stopper"]);
    expect((await past("container=stopper", "event=destroy"))).toEqual(["container destroy stopper"]);
  });

  it("filters by type, event, label, image and several values of one key", async () => {
    await engine.docker(["tag", B, "mybox:v1"]);
    expect(await past("type=image"), JSON.stringify(await past("type=image"))).toContain("image tag mybox:v1");
    expect(await past("type=image", "event=tag")).toEqual(["image tag mybox:v1"]);
    expect(await past("event=die", "container=brief", "container=stopper")).toEqual(["container die brief",
      "container die stopper"]);
    expect(await past("label=team=a", "event=start")).toEqual(["container start brief"]);
    expect(await past("label=team=b")).toEqual([]);
    expect((await past("image=busybox", "event=create")).length).toBeGreaterThanOrEqual(2);
    expect(await past("image=nosuchimage")).toEqual([]);
    const bad = await engine.docker(["events", "--since", t0, "--until", now(), "--filter", "colour=red"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain("invalid filter 'colour'");
    expect((await engine.request("GET", "/events?since=yesterday")).status).toBe(400);
    expect((await engine.request("GET", "/events?since=20&until=10")).status).toBe(400);
  });

  it("streams events as they happen, to a client that came first", async () => {
    // When the CLI has subscribed cannot be seen from outside: it asks from `before` on, so an event that comes
    // while it is still connecting is replayed, not lost (the filters keep its output exact all the same).
    const before = now();
    const watch = spawnDocker(engine, ["events", "--since", before, "--filter", "type=container", "--filter", "event=start",
      "--format", "{{.Action}} {{.Actor.Attributes.name}}"]);
    // The raw client asks for nothing past, and hakod answers once it has subscribed: what it gets came live.
    const live = pendingRequest(engine, "GET", `/events?filters=${encodeURIComponent('{"type":["container"],"event":["start"]}')}`);
    expect(await live.answered).toBe(200);
    await engine.docker(["run", "--rm", "--name", "live-one", B, "true"]);
    await watch.waitFor("start live-one\n");
    watch.stop();
    expect(watch.stdout()).toBe("start live-one\n");
    await live.waitFor(/live-one.*\n/);
    live.close();
    expect(names(live.body().toString().split("\n").filter(Boolean))).toEqual(["live-one"]);
    // raw, over a window: one JSON object per line; a window that ends a moment ahead ends by itself
    const since = (Date.now() / 1000).toFixed(3);
    await engine.docker(["create", "--name", "in-window", B, "true"]);
    const until = (Date.now() / 1000 + 1).toFixed(3);
    const { status, lines } = await streamLines(engine,
      `/events?since=${since}&until=${until}&filters=${encodeURIComponent('{"event":["create"]}')}`, () => false);
    expect(status).toBe(200);
    expect(names(lines)).toEqual(["in-window"]);
  });

  it("keeps its history across a kill -9 of hakod", async () => {
    const before = await past("container=brief");
    await engine.kill9();
    await engine.restart();
    expect(await past("container=brief")).toEqual(before);
    await engine.docker(["run", "--rm", "--name", "after-restart", B, "true"]);
    expect(await past("container=after-restart", "event=start")).toEqual(["container start after-restart"]);
    // a container that ended while hakod was away dies when hakod comes back
    await engine.docker(["run", "-d", "--name", "ends-alone", B, "sleep", "1"]);
    const pid = (await engine.docker(["inspect", "-f", "{{.State.Pid}}", "ends-alone"])).stdout.trim();
    await engine.kill9();
    await expect.poll(() => hasEnded(pid), POLL).toBe(true);
    await engine.restart();
    expect(await past("container=ends-alone")).toEqual([
      "container create ends-alone", "container start ends-alone", "container die ends-alone",
    ]);
  });
});
