import { appendFile, readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createLogger } from "../engine.js";
import { tempDir } from "../testing/temp.js";
import { EventBus } from "./bus.js";
import type { EngineEvent, EventInput } from "./events.js";

const log = createLogger("error");
const started = (id: string, attributes: Record<string, string> = {}): EventInput =>
  ({ type: "container", action: "start", actor: { id, attributes: { image: "busybox", name: id, ...attributes } } });

describe("the event bus", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  let file: string;
  beforeEach(async () => {
    dir = await tempDir();
    file = join(dir.path, "events.log");
  });
  afterEach(() => dir.cleanup());

  it("gives events Docker's JSON, with the legacy fields and an exact timeNano", async () => {
    const bus = await EventBus.open(file, log);
    const e = bus.publish(started("c1", { exitCode: "0" }));
    const j = JSON.parse(e.json) as Record<string, unknown>;
    expect(j).toMatchObject({
      status: "start", id: "c1", from: "busybox", Type: "container", Action: "start",
      Actor: { ID: "c1", Attributes: { image: "busybox", name: "c1", exitCode: "0" } }, scope: "local",
    });
    expect(e.json).toMatch(new RegExp(`"timeNano":${e.timeNs}}$`));
    expect(j.time).toBe(Number(e.timeNs / 1_000_000_000n));
    const volume = JSON.parse(bus.publish({ type: "volume", action: "create", actor: { id: "v", attributes: {} } }).json);
    expect(volume).not.toHaveProperty("status");
    bus.close();
  });

  it("hands every event to subscribers, in order, with strictly increasing times", async () => {
    const bus = await EventBus.open(file, log);
    const seen: EngineEvent[] = [];
    const unsubscribe = bus.subscribe((e) => seen.push(e));
    for (let i = 0; i < 50; i++) bus.publish(started(`c${i}`));
    unsubscribe();
    bus.publish(started("after"));
    expect(seen.map((e) => e.actor.id)).toEqual(Array.from({ length: 50 }, (_, i) => `c${i}`));
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.timeNs > seen[i - 1]!.timeNs).toBe(true);
    bus.close();
  });

  it("answers since/until from its history, inclusive at both ends", async () => {
    const bus = await EventBus.open(file, log);
    const [a, b, c] = ["a", "b", "c"].map((id) => bus.publish(started(id))) as [EngineEvent, EngineEvent, EngineEvent];
    expect((await bus.history(b.timeNs, 0n)).map((e) => e.actor.id)).toEqual(["b", "c"]);
    expect((await bus.history(a.timeNs, b.timeNs)).map((e) => e.actor.id)).toEqual(["a", "b"]);
    expect((await bus.history(c.timeNs + 1n, 0n))).toEqual([]);
    bus.close();
  });

  it("keeps its history across a restart, and reaches past the in-memory part through the journal", async () => {
    const first = await EventBus.open(file, log, { historySize: 3 });
    const events = ["a", "b", "c", "d", "e"].map((id) => first.publish(started(id)));
    first.close();
    const second = await EventBus.open(file, log, { historySize: 3 });
    expect((await second.history(events[3]!.timeNs, 0n)).map((e) => e.actor.id)).toEqual(["d", "e"]);
    expect((await second.history(events[0]!.timeNs, events[1]!.timeNs)).map((e) => e.actor.id)).toEqual(["a", "b"]);
    // times go on increasing after the restart
    expect(second.publish(started("f")).timeNs > events[4]!.timeNs).toBe(true);
    second.close();
  });

  it("skips a line torn by a crash and starts the next on a line of its own", async () => {
    const bus = await EventBus.open(file, log);
    bus.publish(started("whole"));
    bus.close();
    await appendFile(file, '{"status":"start","id":"torn","Type":"cont');
    const again = await EventBus.open(file, log);
    again.publish(started("next"));
    again.close();
    const lines = (await readFile(file, "utf8")).split("\n").filter(Boolean);
    expect(lines).toHaveLength(3);
    const third = await EventBus.open(file, log);
    expect((await third.history(1n, 0n)).map((e) => e.actor.id)).toEqual(["whole", "next"]);
    third.close();
  });

  it("rotates the journal, keeping the previous file for history", async () => {
    const bus = await EventBus.open(file, log, { journalBytes: 2000, historySize: 5 });
    const all = Array.from({ length: 30 }, (_, i) => bus.publish(started(`c${i}`)));
    bus.close();
    expect((await stat(`${file}.1`)).size).toBeGreaterThan(0);
    expect((await stat(file)).size).toBeLessThan(2400);
    const again = await EventBus.open(file, log, { journalBytes: 2000, historySize: 5 });
    const past = await again.history(1n, 0n);
    expect(past.length).toBeGreaterThan(5);
    expect(past.at(-1)!.actor.id).toBe("c29");
    expect(past.map((e) => e.timeNs)).toEqual(all.slice(-past.length).map((e) => e.timeNs));
    again.close();
  });
});
