/**
 * Tag history as users see it: a sequence of tag states becomes create/move/delete records (and repeats add nothing);
 * on a real hakod, console tags and engine-socket `docker tag`/`rmi` (seen on the event stream) land in one timeline,
 * "point back" restores the previous image, and an immutable repository's tag cannot be moved through the console
 * (refused and audited).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { derivedImageArchive } from "../../../runtime/testing/derived-image";
import { connectEngine, type Engine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { createCaller } from "../../routers/_app";
import { userContext } from "../../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../../testing/temp-database";
import { engineEvents, type EngineEvent } from "../engine/engine-events";
import { parseTagRef, splitReference } from "./references";
import { recordTagState, tagHistory } from "./tag-history";
import { pointTagBack, setRepositoryRule, tagImage } from "./tag-image";
import { handleImageEvent } from "./tag-watcher";

let temp: TempDatabase;
beforeAll(async () => {
  temp = await openTempDatabase();
});
afterAll(async () => temp.close());

const A = `sha256:${"a".repeat(64)}`;
const B = `sha256:${"b".repeat(64)}`;

describe("references", () => {
  it("splits registry ports from tags and refuses what is not a reference", () => {
    expect(splitReference("127.0.0.1:5000/team/bb:v1")).toEqual({ repository: "127.0.0.1:5000/team/bb", tag: "v1" });
    expect(splitReference("127.0.0.1:5000/team/bb")).toEqual({ repository: "127.0.0.1:5000/team/bb", tag: "latest" });
    expect(splitReference("sha256:abc")).toBeNull();
    expect(() => parseTagRef("Team/App:v1")).toThrow(/not a valid image reference/);
    expect(() => parseTagRef("app:bad tag")).toThrow(/not a valid image reference/);
  });
});

describe("tag history from a sequence of states", () => {
  it("records create, move and delete with old → new, and nothing when the state did not change", async () => {
    const ref = { repository: "seq/app", tag: "v1" };
    const console_ = { actor: "alice", source: "console" as const };
    const engine = { actor: "engine-socket", source: "engine" as const };
    expect(await recordTagState(temp.db, ref, A, console_, new Date(1000))).toMatchObject({ action: "create", oldDigest: null, newDigest: A });
    expect(await recordTagState(temp.db, ref, A, engine, new Date(2000))).toBeNull(); // the watcher seeing the console's own change
    expect(await recordTagState(temp.db, ref, B, engine, new Date(3000))).toMatchObject({ action: "move", oldDigest: A, newDigest: B, actor: "engine-socket" });
    expect(await recordTagState(temp.db, ref, null, engine, new Date(4000))).toMatchObject({ action: "delete", oldDigest: B, newDigest: null });
    expect(await recordTagState(temp.db, ref, A, console_, new Date(5000))).toMatchObject({ action: "create", oldDigest: null });
    const timeline = await tagHistory(temp.db, { repository: "seq/app" });
    expect(timeline.map((e) => `${e.action} ${e.actor}`)).toEqual(["create alice", "delete engine-socket", "move engine-socket", "create alice"]);
  });
});

/** The image events on the engine's stream after `cursor`, until `until` has been seen (or time runs out). */
async function imageEventsUntil(engine: Engine, cursor: string, until: (e: EngineEvent) => boolean): Promise<EngineEvent[]> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 10_000);
  const seen: EngineEvent[] = [];
  try {
    for await (const event of engineEvents(engine, cursor, controller.signal)) {
      if (event.type === "image") seen.push(event);
      if (until(event)) break;
    }
  } finally {
    clearTimeout(timer);
    controller.abort();
  }
  return seen;
}

describe.skipIf(!isRoot)("tag history on a real engine", () => {
  let handle: EngineHandle;
  let engine: Engine;
  let dir: string;
  let busyboxId: string;
  let otherId: string;
  const ref = { repository: "team/app", tag: "v1" };
  const alice = { id: "u-alice", name: "alice", role: "operator" as const };

  beforeAll(async () => {
    handle = await startEngine();
    process.env.HAKO_HOST = handle.host; // for the router's engine()
    engine = connectEngine(engineEndpoint(handle.host));
    dir = mkdtempSync(join(tmpdir(), "hako-tag-history-"));
    const busybox = await handle.loadBusybox();
    const archive = await derivedImageArchive(dir, { name: "hako-test/other:1", config: { Labels: { other: "yes" } } });
    expect((await handle.docker(["load", "-i", archive])).code).toBe(0);
    busyboxId = (await engine.docker.getImage(busybox).inspect()).Id;
    otherId = (await engine.docker.getImage("hako-test/other:1").inspect()).Id;
  }, 120_000);
  afterAll(async () => {
    await handle?.cleanup();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("records a console tag, an engine-socket move seen on the event stream, and point back", async () => {
    expect(await tagImage(temp.db, engine, "alice", busyboxId, ref)).toMatchObject({ action: "create", actor: "alice", source: "console", newDigest: busyboxId });

    const cursor = `${BigInt(Date.now() - 1000) * 1_000_000n}`;
    const tagged = await handle.docker(["tag", "hako-test/other:1", "team/app:v1"]);
    expect(tagged.code, JSON.stringify(tagged)).toBe(0);
    const events = await imageEventsUntil(engine, cursor, (e) => e.action === "tag" && e.attributes.name === "team/app:v1");
    for (const event of events) await handleImageEvent(temp.db, engine, event);
    for (const event of events) expect(await handleImageEvent(temp.db, engine, event)).toBe(0); // replays add nothing

    const timeline = await tagHistory(temp.db, ref);
    expect(timeline.map((e) => e.action)).toEqual(["move", "create"]);
    expect(timeline[0]).toMatchObject({ action: "move", actor: "engine-socket", source: "engine", oldDigest: busyboxId, newDigest: otherId });

    expect(await pointTagBack(temp.db, engine, "alice", ref)).toMatchObject({ action: "move", actor: "alice", oldDigest: otherId, newDigest: busyboxId });
    expect((await engine.docker.getImage("team/app:v1").inspect()).Id).toBe(busyboxId);
  }, 60_000);

  it("refuses a console move of an immutable repository's tag, and audits the refusal", async () => {
    await setRepositoryRule(temp.db, "ada", "team/app", true);
    const caller = createCaller(userContext(temp.db, alice));
    await expect(caller.images.tag({ id: otherId, reference: "team/app:v1" })).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("immutable") });
    await expect(caller.images.pointBack({ reference: "team/app:v1" })).rejects.toMatchObject({ message: expect.stringContaining("immutable") });
    expect((await engine.docker.getImage("team/app:v1").inspect()).Id).toBe(busyboxId);
    const audit = await temp.db.auditEvent.findFirstOrThrow({ where: { action: "image.tag" }, orderBy: { seq: "desc" } });
    expect(audit).toMatchObject({ actorName: "alice", outcome: "denied", targetName: "team/app:v1" });
    // A new tag in the same repository is still allowed.
    expect(await caller.images.tag({ id: otherId, reference: "team/app:v2" })).toMatchObject({ action: "create" });
    await setRepositoryRule(temp.db, "ada", "team/app", false);
  }, 60_000);

  it("records an engine-socket untag (docker rmi) as a removal", async () => {
    const cursor = `${BigInt(Date.now() - 1000) * 1_000_000n}`;
    expect((await handle.docker(["rmi", "team/app:v2"])).code).toBe(0);
    const events = await imageEventsUntil(engine, cursor, (e) => e.action === "untag");
    for (const event of events) await handleImageEvent(temp.db, engine, event);
    expect((await tagHistory(temp.db, { repository: "team/app", tag: "v2" }))[0]).toMatchObject({ action: "delete", actor: "engine-socket", oldDigest: otherId, newDigest: null });
  }, 60_000);
});
