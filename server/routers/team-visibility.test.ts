/**
 * What the dashboard and the Networks page show a team member, against a real hakod: the recent-events feed, the
 * containers counted by state, and the containers attached to the built-in bridge network are only those the team
 * scope rule (../auth/team-scope.ts) lets them see. An admin sees everything; someone in no team sees the unlabeled.
 */
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../runtime/integration/engine-harness";
import type { Role } from "../auth/permissions";
import type { EngineEvent } from "../services/engine/engine-events";
import { userContext } from "../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import type { Context } from "../trpc";
import { createCaller } from "./_app";

describe.skipIf(!isRoot)("team scope on the dashboard and the networks", () => {
  let handle: EngineHandle;
  let temp: TempDatabase;
  let docker: Docker;
  let image: string;
  const ctx: Record<"admin" | "olga" | "lone", Context> = {} as never;

  async function user(name: string, role: Role): Promise<Context> {
    const row = await temp.db.user.create({ data: { username: name, passwordHash: "x", role } });
    return userContext(temp.db, { id: row.id, name, role });
  }

  /** The events `c` receives (the last hour's, in order) up to and including the first about container `last`. */
  async function eventsUntil(c: Context, last: string): Promise<EngineEvent[]> {
    const abort = new AbortController();
    const stream = await createCaller(c, { signal: abort.signal }).engine.events();
    const seen: EngineEvent[] = [];
    for await (const item of stream as AsyncIterable<unknown>) {
      const event = (Array.isArray(item) ? item[1] : item) as EngineEvent; // tracked(id, event)
      seen.push(event);
      if (event.type === "container" && event.actorName === last) break;
    }
    abort.abort();
    return seen;
  }
  const containerNames = (events: EngineEvent[]) => [...new Set(events.filter((e) => e.type === "container").map((e) => e.actorName))].sort();

  beforeAll(async () => {
    handle = await startEngine();
    image = await handle.loadBusybox();
    process.env.HAKO_HOST = handle.host;
    docker = new Docker({ socketPath: handle.socket });
    temp = await openTempDatabase();
    ctx.admin = await user("ada", "admin");
    ctx.olga = await user("olga", "operator"); // operator in team web only
    ctx.lone = await user("lone", "operator"); // in no team
    const teams = createCaller(ctx.admin).teams;
    const web = await teams.create({ name: "web" });
    await teams.create({ name: "data" });
    await teams.setMember({ teamId: web.id, username: "olga", role: "operator" });

    // In this order, so that each user's last visible container closes their part of the stream.
    const admin = createCaller(ctx.admin).containers;
    await admin.create({ image, name: "v-data", command: "sleep 600", team: "data" });
    await docker.createContainer({ name: "v-raw", Image: image, Cmd: ["sleep", "600"] }); // on the socket: no team
    await createCaller(ctx.olga).containers.create({ image, name: "v-web", command: "sleep 600", team: "web" });
    await docker.createContainer({ name: "v-raw-last", Image: image, Cmd: ["sleep", "600"] });
    for (const name of ["v-raw", "v-raw-last"]) await docker.getContainer(name).start(); // the console's run starts its own
  });
  afterAll(async () => {
    await handle?.cleanup();
    await temp?.close();
  });

  it("streams a member only their teams' events, someone in no team only the unlabeled ones, an admin all", async () => {
    const olga = await eventsUntil(ctx.olga, "v-web");
    expect(containerNames(olga)).toEqual(["v-web"]);
    expect(olga.every((e) => e.attributes["hako.team"] === "web")).toBe(true);
    expect(olga.map((e) => e.action)).toContain("create");

    const lone = await eventsUntil(ctx.lone, "v-raw-last");
    expect(containerNames(lone)).toEqual(["v-raw", "v-raw-last"]);
    expect(lone.some((e) => "hako.team" in e.attributes)).toBe(false);

    expect(containerNames(await eventsUntil(ctx.admin, "v-raw-last"))).toEqual(["v-data", "v-raw", "v-raw-last", "v-web"]);
  });

  it("counts by state only the containers the caller may see", async () => {
    const running = async (c: Context) => (await createCaller(c).containers.list()).filter((r) => r.state === "running").map((r) => r.name).sort();
    expect(await running(ctx.olga)).toEqual(["v-web"]);
    expect(await running(ctx.lone)).toEqual(["v-raw", "v-raw-last"]);
    expect(await running(ctx.admin)).toEqual(["v-data", "v-raw", "v-raw-last", "v-web"]);
  });

  it("lists and counts, on the shared bridge network, only the attached containers the caller may see", async () => {
    const attached = async (c: Context) => {
      const bridge = await createCaller(c).networks.inspect({ id: "bridge" });
      const row = (await createCaller(c).networks.list()).find((n) => n.name === "bridge");
      expect(row?.containers).toBe(bridge.attached.length);
      expect(bridge.containers).toBe(bridge.attached.length);
      return bridge.attached.map((a) => a.name);
    };
    expect(await attached(ctx.olga)).toEqual(["v-web"]);
    expect(await attached(ctx.lone)).toEqual(["v-raw", "v-raw-last"]);
    expect(await attached(ctx.admin)).toEqual(["v-data", "v-raw", "v-raw-last", "v-web"]);
  });

  it("creates a network for the member's chosen team, and asks a member to choose one", async () => {
    const olga = createCaller(ctx.olga).networks;
    await expect(olga.create({ name: "v-net", labels: [] })).rejects.toThrow("Choose one of your teams.");
    const created = await olga.create({ name: "v-net", labels: [], team: "web" });
    expect((await docker.getNetwork(created.id).inspect()).Labels).toMatchObject({ "hako.team": "web" });
    expect((await createCaller(ctx.lone).networks.list()).some((n) => n.name === "v-net")).toBe(false);
  });


  it("refuses to run a member's container on another team's network: FORBIDDEN, audited, nothing created", async () => {
    await createCaller(ctx.admin).networks.create({ name: "v-data-net", labels: [], team: "data" });
    const c = { ...ctx.olga, request: { ...ctx.olga.request, requestId: crypto.randomUUID() } };
    const run = createCaller(c).containers.create({ image, name: "v-sneak", command: "sleep 600", team: "web", network: "v-data-net", networkAliases: ["db"] });
    await expect(run).rejects.toMatchObject({ code: "FORBIDDEN" });
    const rows = await temp.db.auditEvent.findMany({ where: { requestId: c.request.requestId } });
    expect(rows).toEqual([expect.objectContaining({ action: "container.create", outcome: "denied", actorName: "olga" })]);
    expect(rows[0]?.message).toContain("v-data-net");
    expect(await docker.listContainers({ all: true, filters: { name: ["v-sneak"] } })).toEqual([]);

    // On her own team's network the same run goes through.
    const ok = await createCaller(ctx.olga).containers.create({ image, name: "v-own", command: "sleep 600", team: "web", network: "v-net" });
    expect(Object.keys((await docker.getContainer(ok.id).inspect()).NetworkSettings.Networks)).toEqual(["v-net"]);
  });
});
