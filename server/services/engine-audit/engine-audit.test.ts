/**
 * The audit of the engine's socket on a real hakod: docker CLI actions appear as `engine-socket` rows (with the team
 * of a `hako.team` label and the exit code of a `die`), the console's own actions are not recorded a second time,
 * a forged console mark is recorded anyway (saying so) — a guessed one, the request ID of a refused request, a mark
 * copied from the event stream onto another object — and a watcher restarted after a pause picks up what happened
 * meanwhile without repeating anything. The hash chain verifies throughout.
 */
import { mkdtemp, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DOCKER, isRoot, run, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { verifyAuditChain } from "../../audit/verify";
import type { AuditEvent } from "../../db";
import { connectEngine, type Engine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { createCaller } from "../../routers/_app";
import { anonymousContext, userContext } from "../../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../../testing/temp-database";
import { engineEvents } from "../engine/engine-events";
import { CONSOLE_REQUEST_ATTRIBUTE } from "./console-origin";
import { ENGINE_ACTOR, watchEngineAudit } from "./engine-audit-watcher";

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
    // A run through the console: its create, start, network connect and the die that follows are all its own.
    await caller.containers.create({ image: busybox, name: "console-made", command: "true" });
    const made = await temp.db.auditEvent.findFirstOrThrow({ where: { action: "container.create", actorName: "root" } });
    expect(made).toMatchObject({ outcome: "ok", targetName: "console-made" });
    await eventually(async () => expect((await handle.docker(["inspect", "-f", "{{.State.Status}}", "console-made"])).stdout.trim()).toBe("exited"));

    // A marker action on the socket afterwards: once it is recorded, the watcher is past the console's events.
    expect((await handle.docker(["volume", "create", "after-console"])).code).toBe(0);
    await eventually(async () => expect(await socketRows({ action: "volume.create", targetName: "after-console" })).toHaveLength(1), 90_000);
    const kinds = (await socketRows({ targetName: "cli-exec" })).map((r) => r.action);
    expect((await socketRows({ targetName: "console-made" })).map((r) => `${r.action}: ${r.message}`)).toEqual([]);
    const connects = (await socketRows({ action: "network.connect" })).map((r) => JSON.parse(r.params!).container);
    expect(connects).not.toContain(made.targetId);
    expect(kinds).not.toContain("container.remove");
    expect(kinds).not.toContain("container.kill");
    expect(await temp.db.auditEvent.count({ where: { targetName: "cli-exec", action: "container.remove" } })).toBe(1);
  }, 120_000);

  /** The docker CLI sending `X-Hako-Console-Request: <mark>` with every request (its config's HttpHeaders). */
  const dockerMarked = async (mark: string, args: string[]) => {
    const config = await mkdtemp(join(handle.dir, "marked-cli-"));
    await writeFile(join(config, "config.json"), JSON.stringify({ HttpHeaders: { "X-Hako-Console-Request": mark } }));
    return run(DOCKER, args, { env: { ...process.env, DOCKER_HOST: handle.host, DOCKER_CONFIG: config } });
  };

  it("records an event whose console mark is a guess, saying so", async () => {
    const guessed = await dockerMarked("AAAAAAAAAAAAAAAAAAAAAA", ["volume", "create", "forged-mark"]);
    expect(guessed.code).toBe(0);
    await eventually(async () => {
      const [row] = await socketRows({ action: "volume.create", targetName: "forged-mark" });
      expect(row?.message).toBe("marked as a console request which this console did not issue (forged, copied, or from before a restart of the console)");
    });
  }, 60_000);

  it("records a docker rm marked with the request ID of a refused console request", async () => {
    expect((await handle.docker(["run", "-d", "--name", "victim", busybox, "sleep", "300"])).code).toBe(0);
    // The attacker picks the request ID (X-Request-Id) of an anonymous, refused request: the refusal is audited with it.
    const anonymous = anonymousContext(temp.db);
    anonymous.request.requestId = "attacker-chosen-id";
    await expect(createCaller(anonymous).containers.remove({ id: "victim", force: true })).rejects.toMatchObject({ code: "UNAUTHORIZED" });
    expect(await temp.db.auditEvent.findFirst({ where: { requestId: "attacker-chosen-id" } })).toMatchObject({ outcome: "denied" });

    const removed = await dockerMarked("attacker-chosen-id", ["rm", "-f", "victim"]);
    expect(removed.code).toBe(0);
    await eventually(async () => {
      const [row] = await socketRows({ targetName: "victim", action: "container.remove" });
      expect(row?.message).toContain("marked as a console request which this console did not issue");
    }, 90_000);
    expect((await socketRows({ targetName: "victim" })).map((r) => r.action)).toEqual(
      expect.arrayContaining(["container.create", "container.start", "container.die", "container.remove"]),
    );
  }, 120_000);

  it("records an action on another object marked with a token copied from the console's own events", async () => {
    expect((await handle.docker(["create", "--name", "copy-source", busybox, "true"])).code).toBe(0);
    const cursor = `${BigInt(Date.now() - 1000) * 1_000_000n}`;
    await createCaller(userContext(temp.db, admin)).containers.remove({ id: "copy-source", force: true });
    // Every client of the socket sees the console's mark on the event stream.
    const controller = new AbortController();
    let copied: string | undefined;
    for await (const event of engineEvents(engine, cursor, controller.signal)) {
      if (event.type === "container" && event.action === "destroy" && event.attributes.name === "copy-source") {
        copied = event.attributes[CONSOLE_REQUEST_ATTRIBUTE];
        break;
      }
    }
    controller.abort();
    expect(copied).toMatch(/^[A-Za-z0-9_-]{22}$/); // a random token, not the request ID the client knows
    const consoleRow = await temp.db.auditEvent.findFirstOrThrow({ where: { action: "container.remove", targetName: "copy-source", actorName: "root" } });
    expect(copied).not.toBe(consoleRow.requestId);

    expect((await dockerMarked(copied!, ["volume", "create", "copied-mark"])).code).toBe(0);
    await eventually(async () => {
      const [row] = await socketRows({ action: "volume.create", targetName: "copied-mark" });
      expect(row?.message).toBe(`marked as a console request of request ${consoleRow.requestId}, which was about another object`);
    }, 90_000);
    // The console's own removal is still recorded once, by the console.
    expect(await temp.db.auditEvent.count({ where: { targetName: "copy-source", action: "container.remove" } })).toBe(1);
  }, 120_000);

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
