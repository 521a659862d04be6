/**
 * The audit of the engine's socket on a real hakod: docker CLI actions appear as `engine-socket` rows (with the team
 * of a `hako.team` label and the exit code of a `die`), the console's own actions are not recorded a second time,
 * a forged console mark is recorded anyway (saying so), and a watcher restarted after a pause picks up what happened
 * meanwhile without repeating anything. The hash chain verifies throughout.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { verifyAuditChain } from "../../audit/verify";
import type { AuditEvent } from "../../db";
import { connectEngine, type Engine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { createCaller } from "../../routers/_app";
import { userContext } from "../../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../../testing/temp-database";
import { engineEvents } from "../engine/engine-events";
import { CONSOLE_REQUEST_ATTRIBUTE } from "./console-origin";
import { ENGINE_ACTOR, handleEngineEvent, watchEngineAudit } from "./engine-audit-watcher";

const admin = { id: "u-root", name: "root", role: "admin" as const };

describe.skipIf(!isRoot)("engine-socket audit on a real engine", () => {
  let temp: TempDatabase;
  let handle: EngineHandle;
  let engine: Engine;
  let busybox: string;
  let watcher: AbortController;

  const startWatcher = () => {
    watcher = new AbortController();
    void watchEngineAudit(temp.db, engine, watcher.signal, () => undefined);
  };
  const socketRows = (where: Partial<Pick<AuditEvent, "action" | "targetName" | "targetId">>) =>
    temp.db.auditEvent.findMany({ where: { actorName: ENGINE_ACTOR, ...where }, orderBy: { seq: "asc" } });
  /** Polls until `check` passes: the watcher records in the background. */
  const eventually = async (check: () => Promise<void>, ms = 30_000) => {
    const deadline = Date.now() + ms;
    for (;;) {
      try {
        return await check();
      } catch (err) {
        if (Date.now() > deadline) throw err;
        await new Promise((r) => setTimeout(r, 250));
      }
    }
  };

  beforeAll(async () => {
    temp = await openTempDatabase();
    handle = await startEngine();
    process.env.HAKO_HOST = handle.host; // for the routers' engine()
    engine = connectEngine(engineEndpoint(handle.host));
    busybox = await handle.loadBusybox();
    startWatcher();
    // The watcher's first start saves "now" as its cursor: wait for it before acting.
    await eventually(async () => expect(await temp.db.engineCursor.count({ where: { name: "engine-audit" } })).toBe(1));
  }, 120_000);
  afterAll(async () => {
    watcher?.abort();
    await handle?.cleanup();
    await temp?.close();
  });

  it("records docker run and docker rm on the socket as engine-socket, with team and exit code", async () => {
    const ran = await handle.docker(["run", "--name", "cli-job", "--label", "hako.team=payments", busybox, "sh", "-c", "exit 3"]);
    expect(ran.code).toBe(3);
    expect((await handle.docker(["rm", "cli-job"])).code).toBe(0);

    await eventually(async () => {
      const rows = await socketRows({ targetName: "cli-job" });
      expect(rows.map((r) => r.action)).toEqual(["container.create", "container.start", "container.die", "container.remove"]);
    });
    const rows = await socketRows({ targetName: "cli-job" });
    for (const row of rows) expect(row).toMatchObject({ actorName: "engine-socket", actorId: null, team: "payments", outcome: "ok", targetKind: "container" });
    const die = rows.find((r) => r.action === "container.die")!;
    expect(JSON.parse(die.params!)).toMatchObject({ exitCode: 3 });
    expect(die.message).toBe("exited with code 3");
    expect(JSON.parse(rows[0]!.params!)).toMatchObject({ image: busybox });
    expect(await verifyAuditChain(temp.db)).toMatchObject({ ok: true });
  }, 60_000);

  it("records docker exec with its command and exit code", async () => {
    expect((await handle.docker(["run", "-d", "--name", "cli-exec", busybox, "sleep", "300"])).code).toBe(0);
    expect((await handle.docker(["exec", "cli-exec", "sh", "-c", "exit 7"])).code).toBe(7);
    await eventually(async () => {
      const execs = await socketRows({ targetName: "cli-exec", action: "container.exec" });
      expect(execs.map((r) => JSON.parse(r.params!).phase)).toEqual(["create", "start", "end"]);
    });
    const [created, , ended] = await socketRows({ targetName: "cli-exec", action: "container.exec" });
    expect(JSON.parse(created!.params!)).toMatchObject({ command: "sh -c exit 7" });
    expect(JSON.parse(ended!.params!)).toMatchObject({ exitCode: 7 });
  }, 60_000);

  it("does not record a second time what the console did and audited itself", async () => {
    const caller = createCaller(userContext(temp.db, admin));
    await caller.containers.remove({ id: "cli-exec", force: true });
    const consoleRow = await temp.db.auditEvent.findFirstOrThrow({ where: { action: "container.remove", actorName: "root" } });
    expect(consoleRow).toMatchObject({ outcome: "ok", targetName: "cli-exec" });

    // A marker action on the socket afterwards: once it is recorded, the watcher is past the console's events.
    expect((await handle.docker(["volume", "create", "after-console"])).code).toBe(0);
    await eventually(async () => expect(await socketRows({ action: "volume.create", targetName: "after-console" })).toHaveLength(1), 90_000);
    const kinds = (await socketRows({ targetName: "cli-exec" })).map((r) => r.action);
    expect(kinds).not.toContain("container.remove");
    expect(kinds).not.toContain("container.kill");
    expect(await temp.db.auditEvent.count({ where: { targetName: "cli-exec", action: "container.remove" } })).toBe(1);
  }, 120_000);

  it("records an event whose console mark names no recorded request, saying so", async () => {
    const cursor = `${BigInt(Date.now() - 1000) * 1_000_000n}`;
    const forged = await handle.request("POST", "/volumes/create", {
      body: JSON.stringify({ Name: "forged-mark" }),
      headers: { "Content-Type": "application/json", "X-Hako-Console-Request": "not-a-console-request" },
    });
    expect(forged.status).toBe(201);
    const controller = new AbortController();
    let outcome: string | undefined;
    for await (const event of engineEvents(engine, cursor, controller.signal)) {
      if (event.type !== "volume" || event.actorId !== "forged-mark") continue;
      expect(event.attributes[CONSOLE_REQUEST_ATTRIBUTE]).toBe("not-a-console-request");
      watcher.abort(); // decided here instead, with a short wait for the console's row
      outcome = await handleEngineEvent(temp.db, event, controller.signal, 500);
      break;
    }
    controller.abort();
    expect(outcome).toBe("recorded");
    const [row] = await socketRows({ action: "volume.create", targetName: "forged-mark" });
    expect(row?.message).toContain("marked as console request not-a-console-request, which the console never recorded");
  }, 60_000);

  it("resumes after a restart from its cursor: what happened meanwhile is recorded once, nothing twice", async () => {
    watcher.abort();
    expect((await handle.docker(["create", "--name", "while-down", busybox, "true"])).code).toBe(0);
    expect((await handle.docker(["rm", "while-down"])).code).toBe(0);
    startWatcher();
    await eventually(async () => expect((await socketRows({ targetName: "while-down" })).map((r) => r.action)).toEqual(["container.create", "container.remove"]));
    // Another restart replays nothing: every engine event has at most one row.
    watcher.abort();
    startWatcher();
    expect((await handle.docker(["volume", "create", "after-restart"])).code).toBe(0);
    await eventually(async () => expect(await socketRows({ action: "volume.create", targetName: "after-restart" })).toHaveLength(1));
    const times = (await socketRows({})).map((r) => `${r.action} ${JSON.parse(r.params!).eventTime} ${JSON.parse(r.params!).phase ?? ""}`);
    expect(new Set(times).size).toBe(times.length);
    expect((await socketRows({ targetName: "while-down" })).length).toBe(2);
    expect(await verifyAuditChain(temp.db)).toMatchObject({ ok: true });
  }, 90_000);
});
