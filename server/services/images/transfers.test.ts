/**
 * Pulls and pushes as server-side tasks, through a real hakod and Debian's docker-registry with htpasswd: the stored
 * registry's credentials are used, each layer reports progress, a pull records the tag in the history as the user's,
 * and a failure says the registry's error in plain words.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { havePeers, startRealRegistry, type RealRegistry } from "../../../runtime/testing/registry-peers";
import { connectEngine, type Engine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { openTempDatabase, type TempDatabase } from "../../testing/temp-database";
import { addRegistry } from "../registries/registries";
import { applyProgress, plainRegistryError, startPull, startPush, watchTransfer, type Transfer } from "./transfers";
import { recordTagState, tagHistory } from "./tag-history";
import { tagImage } from "./tag-image";

async function outcome(task: Transfer): Promise<Transfer> {
  let last = task;
  for await (const snapshot of watchTransfer(task.id)) last = snapshot;
  return last;
}

describe("progress messages", () => {
  it("keeps one bar per layer and the registry's error in plain words", () => {
    const task = { layers: [], status: null, error: null, result: null } as unknown as Transfer;
    applyProgress(task, { status: "Pulling from team/bb", id: "v1" });
    applyProgress(task, { status: "Downloading", id: "0123456789ab", progressDetail: { current: 10, total: 100 } });
    applyProgress(task, { status: "Pull complete", id: "0123456789ab", progressDetail: {} });
    applyProgress(task, { status: "Digest: sha256:" + "c".repeat(64) });
    expect(task.layers).toEqual([{ id: "0123456789ab", status: "Pull complete", current: 100, total: 100 }]);
    expect(task.result).toBe("sha256:" + "c".repeat(64));
    applyProgress(task, { error: "manifest unknown", errorDetail: { message: "manifest unknown: manifest unknown" } });
    expect(task.error).toMatch(/has no such image or tag/);
    expect(plainRegistryError("unauthorized: authentication required")).toMatch(/refused the credentials/);
  });
});

describe.skipIf(!isRoot || !havePeers)("pull and push through a real engine and registry", () => {
  let temp: TempDatabase;
  let handle: EngineHandle;
  let registry: RealRegistry;
  let engine: Engine;
  const dataDir = mkdtempSync(join(tmpdir(), "hako-console-data-"));

  beforeAll(async () => {
    process.env.HAKO_CONSOLE_DATA = dataDir;
    temp = await openTempDatabase();
    handle = await startEngine();
    registry = await startRealRegistry({ kind: "htpasswd", user: "team", password: "right-pass" });
    engine = connectEngine(engineEndpoint(handle.host));
    await handle.loadBusybox();
  }, 120_000);
  afterAll(async () => {
    await registry?.stop();
    await handle?.cleanup();
    await temp?.close();
    rmSync(dataDir, { recursive: true, force: true });
  });

  it("refuses a push without credentials in plain words, then pushes and pulls back with the stored ones", async () => {
    const ref = { repository: `${registry.host}/team/bb`, tag: "v1" };
    await tagImage(temp.db, engine, "alice", "busybox:1.38.0-glibc", ref);

    const refused = await outcome(await startPush(temp.db, engine, "alice", ref));
    expect(refused.state).toBe("failed");
    expect(refused.error).toMatch(/credentials|unauthori/i);

    await addRegistry(temp.db, "ada", { address: registry.host, username: "team", password: "right-pass" });
    const pushed = await outcome(await startPush(temp.db, engine, "alice", ref));
    expect(pushed).toMatchObject({ state: "succeeded", error: null });
    expect(pushed.layers.length).toBeGreaterThan(0);

    await engine.docker.getImage(`${ref.repository}:v1`).remove();
    await recordTagState(temp.db, ref, null, { actor: "engine-socket", source: "engine" }); // as the watcher would
    const pulled = await outcome(await startPull(temp.db, engine, "bob", ref));
    expect(pulled).toMatchObject({ state: "succeeded", error: null });
    expect(pulled.layers.length).toBeGreaterThan(0);
    expect(pulled.layers.every((l) => l.total === null || l.current === l.total)).toBe(true);
    const history = await tagHistory(temp.db, ref);
    expect(history[0]).toMatchObject({ actor: "bob", source: "console", action: "create" });

    const missing = await outcome(await startPull(temp.db, engine, "bob", { repository: ref.repository, tag: "nope" }));
    expect(missing.state).toBe("failed");
    expect(missing.error).toMatch(/no such image or tag/);
  }, 120_000);
});
