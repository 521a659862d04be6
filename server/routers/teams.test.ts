/**
 * Teams end to end on the server, against a real hakod: an admin shapes teams; containers run through the console
 * carry their team's label; a member sees and acts on their teams' containers by their role in each team, is refused
 * (FORBIDDEN, audited with the team) elsewhere, and someone in no team keeps acting on unlabeled containers by their
 * global role.
 */
import Docker from "dockerode";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../runtime/integration/engine-harness";
import type { Role } from "../auth/permissions";
import { userContext } from "../testing/contexts";
import { failure } from "../testing/trpc-failure";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import type { Context } from "../trpc";
import { createCaller } from "./_app";


describe.skipIf(!isRoot)("teams and team scope", () => {
  let handle: EngineHandle;
  let temp: TempDatabase;
  let docker: Docker;
  let image: string;
  /** stops at once on SIGTERM (a bare `sleep` as PID 1 ignores it and waits out the stop timeout) */
  const LOOP = `sh -c 'trap "exit 0" TERM; while true; do sleep 1; done'`;
  const ctx: Record<"admin" | "olga" | "lone", Context> = {} as never;
  const teamIds: Record<string, string> = {};
  const ids: Record<"web" | "data" | "raw", string> = { web: "", data: "", raw: "" };

  async function user(name: string, role: Role): Promise<Context> {
    const row = await temp.db.user.create({ data: { username: name, passwordHash: "x", role } });
    return userContext(temp.db, { id: row.id, name, role });
  }
  const rowsOf = (c: Context) => temp.db.auditEvent.findMany({ where: { requestId: c.request.requestId } });
  /** a fresh request id per call, so each call's audit rows can be told apart */
  const fresh = (c: Context): Context => ({ ...c, request: { ...c.request, requestId: crypto.randomUUID() } });

  beforeAll(async () => {
    handle = await startEngine();
    image = await handle.loadBusybox();
    process.env.HAKO_HOST = handle.host;
    docker = new Docker({ socketPath: handle.socket });
    temp = await openTempDatabase();
    ctx.admin = await user("ada", "admin");
    ctx.olga = await user("olga", "viewer"); // viewer globally; operator in web, viewer in data
    ctx.lone = await user("lone", "operator"); // in no team
  });
  afterAll(async () => {
    await handle?.cleanup();
    await temp?.close();
  });

  it("lets an admin create teams, audited with the team; names are unique and plain", async () => {
    for (const name of ["web", "data"]) {
      const c = fresh(ctx.admin);
      teamIds[name] = (await createCaller(c).teams.create({ name })).id;
      expect(await rowsOf(c)).toEqual([expect.objectContaining({ action: "team.create", outcome: "ok", team: name, targetName: name })]);
    }
    expect((await failure(createCaller(ctx.admin).teams.create({ name: "web" }))).code).toBe("CONFLICT");
    expect((await failure(createCaller(ctx.admin).teams.create({ name: "no spaces" }))).code).toBe("BAD_REQUEST");
  });

  it("sets members with a role per team, and each member lists only their own teams", async () => {
    const admin = createCaller(ctx.admin).teams;
    await admin.setMember({ teamId: teamIds.web!, username: "olga", role: "operator" });
    await admin.setMember({ teamId: teamIds.data!, username: "olga", role: "viewer" });
    expect((await failure(admin.setMember({ teamId: teamIds.web!, username: "nobody", role: "viewer" }))).code).toBe("NOT_FOUND");

    const mine = await createCaller(ctx.olga).teams.list();
    expect(mine.map((t) => [t.name, t.myRole])).toEqual([["data", "viewer"], ["web", "operator"]]);
    expect(await createCaller(ctx.lone).teams.list()).toEqual([]);
    expect((await admin.list()).map((t) => t.name)).toEqual(["data", "web"]);
  });

  it("labels containers with the chosen team; a member must choose one of theirs where their role allows it", async () => {
    const admin = createCaller(ctx.admin).containers;
    ids.data = (await admin.create({ image, name: "t-data", command: "sleep 600", env: ["SECRET=s3"], team: "data" })).id;
    ids.raw = (await docker.createContainer({ name: "t-raw", Image: image, Cmd: ["sh", "-c", 'trap "exit 0" TERM; while true; do sleep 1; done'] })).id; // on the socket directly
    await docker.getContainer(ids.raw).start();

    const olga = createCaller(ctx.olga).containers;
    ids.web = (await olga.create({ image, name: "t-web", command: LOOP, env: ["SECRET=s3"], team: "web" })).id;
    expect((await docker.getContainer(ids.web).inspect()).Config.Labels).toMatchObject({ "hako.team": "web" });

    expect((await failure(olga.create({ image, command: "true" }))).message).toBe("Choose one of your teams.");
    const inData = fresh(ctx.olga);
    const refused = await failure(createCaller(inData).containers.create({ image, command: "true", team: "data" }));
    expect(refused.code).toBe("FORBIDDEN");
    expect(refused.message).toBe("Permission container.create requires operator in team data; you are viewer there.");
    expect(await rowsOf(inData)).toEqual([expect.objectContaining({ action: "container.create", outcome: "denied", team: "data" })]);
    expect((await failure(olga.create({ image, command: "true", team: "web", labels: ["hako.team=data"] }))).code).toBe("BAD_REQUEST");
    expect((await failure(createCaller(ctx.lone).containers.create({ image, command: "true", team: "web" }))).code).toBe("FORBIDDEN");
  });

  it("lists only the containers in scope: a member's teams', or the unlabeled ones for someone in no team", async () => {
    const names = async (c: Context) => (await createCaller(c).containers.list()).map((r) => r.name).sort();
    expect(await names(ctx.olga)).toEqual(["t-data", "t-web"]);
    expect(await names(ctx.lone)).toEqual(["t-raw"]);
    expect(await names(ctx.admin)).toEqual(["t-data", "t-raw", "t-web"]);
    const rows = await createCaller(ctx.olga).containers.list();
    expect(rows.find((r) => r.name === "t-web")?.team).toBe("web");
  });

  it("shows environment values by the role in the container's team", async () => {
    const olga = createCaller(ctx.olga).containers;
    expect((await olga.inspect({ id: ids.web })).envVisible).toBe(true);
    const data = await olga.inspect({ id: ids.data });
    expect(data).toMatchObject({ envVisible: false, team: "data" });
    expect(JSON.stringify(data.inspect)).not.toContain("s3");
  });

  it("refuses a read outside the caller's scope, audited as denied with the team", async () => {
    const c = fresh(ctx.lone);
    const error = await failure(createCaller(c).containers.inspect({ id: "t-web" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("Container t-web belongs to a team you are not a member of.");
    expect(await rowsOf(c)).toEqual([expect.objectContaining({ action: "container.inspect", outcome: "denied", team: "web", targetName: "t-web", actorName: "lone" })]);

    const raw = fresh(ctx.olga);
    expect((await failure(createCaller(raw).containers.inspect({ id: "t-raw" }))).code).toBe("FORBIDDEN");
    expect((await failure(createCaller(raw).containers.logs({ id: "t-raw" }))).code).toBe("FORBIDDEN");
    expect((await rowsOf(raw)).map((r) => [r.action, r.outcome, r.team])).toEqual([["container.inspect", "denied", null], ["container.logs", "denied", null]]);
  });

  it("lets an operator of one team stop its container, not another team's, and audits both with the team", async () => {
    const stopData = fresh(ctx.olga);
    const error = await failure(createCaller(stopData).containers.stop({ id: "t-data" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("Permission container.stop requires operator in team data; you are viewer there.");
    expect(await rowsOf(stopData)).toEqual([expect.objectContaining({ action: "container.stop", outcome: "denied", team: "data", targetName: "t-data" })]);
    expect((await docker.getContainer(ids.data).inspect()).State.Running).toBe(true);

    const stopWeb = fresh(ctx.olga);
    expect(await createCaller(stopWeb).containers.stop({ id: "t-web" })).toMatchObject({ action: "stop", state: "exited" });
    expect(await rowsOf(stopWeb)).toEqual([expect.objectContaining({ action: "container.stop", outcome: "ok", team: "web", targetName: "t-web", actorRole: "viewer" })]);

    // Someone in no team acts on unlabeled containers by the global role, as before teams existed.
    expect(await createCaller(ctx.lone).containers.stop({ id: "t-raw" })).toMatchObject({ state: "exited" });
  });

  it("refuses someone whose roles nowhere allow the action before looking the container up, naming it as asked", async () => {
    const c = fresh(await user("vera", "viewer"));
    await createCaller(ctx.admin).teams.setMember({ teamId: teamIds.web!, username: "vera", role: "viewer" });
    const error = await failure(createCaller(c).containers.stop({ id: "t-web" }));
    expect(error.message).toBe("Permission container.stop is required; your role viewer does not have it.");
    expect(await rowsOf(c)).toEqual([expect.objectContaining({ action: "container.stop", outcome: "denied", targetKind: "container", targetName: "t-web", team: null })]);
  });

  it("opens a terminal only where the team role allows exec", async () => {
    await docker.getContainer(ids.web).start();
    const exec = await createCaller(ctx.olga).containers.exec({ id: "t-web", command: ["sh"] });
    expect(exec.containerName).toBe("t-web");
    expect((await failure(createCaller(ctx.olga).containers.exec({ id: "t-data", command: ["sh"] }))).code).toBe("FORBIDDEN");
  });

  it("refuses to rename or remove a team while containers or networks carry its label, then removes it once they are gone", async () => {
    const teams = createCaller(ctx.admin).teams;
    const conflict = await failure(teams.rename({ id: teamIds.data!, name: "analytics" }));
    expect(conflict.code).toBe("CONFLICT");
    expect(conflict.message).toContain("t-data");
    expect((await failure(teams.remove({ id: teamIds.data! }))).code).toBe("CONFLICT");

    await createCaller(ctx.admin).containers.remove({ id: "t-data", force: true });
    // Networks carry the label too: a team network alone still holds the team.
    await createCaller(ctx.admin).networks.create({ name: "t-data-net", labels: [], team: "data" });
    const held = await failure(teams.rename({ id: teamIds.data!, name: "analytics" }));
    expect(held.code).toBe("CONFLICT");
    expect(held.message).toBe("Team data still has 1 network (t-data-net); remove them before you rename it, since their hako.team label cannot change.");
    expect((await failure(teams.remove({ id: teamIds.data! }))).message).toContain("t-data-net");
    expect((await createCaller(ctx.admin).teams.list()).some((t) => t.name === "data")).toBe(true);

    await createCaller(ctx.admin).networks.remove({ id: "t-data-net" });
    expect(await teams.rename({ id: teamIds.data!, name: "analytics" })).toMatchObject({ name: "analytics", previous: "data" });
    const c = fresh(ctx.admin);
    await createCaller(c).teams.remove({ id: teamIds.data! });
    expect(await rowsOf(c)).toEqual([expect.objectContaining({ action: "team.remove", outcome: "ok", team: "analytics" })]);
    expect((await createCaller(ctx.olga).teams.list()).map((t) => t.name)).toEqual(["web"]);
  });

  it("removes a member: their access to the team's containers ends with it", async () => {
    const olga = await temp.db.user.findUniqueOrThrow({ where: { username: "olga" } });
    await createCaller(ctx.admin).teams.removeMember({ teamId: teamIds.web!, userId: olga.id });
    expect(await createCaller(ctx.olga).containers.list()).toEqual([
      // no team any more: only unlabeled containers, by the global role (viewer)
      expect.objectContaining({ name: "t-raw" }),
    ]);
    expect((await failure(createCaller(ctx.olga).containers.stop({ id: "t-raw" }))).message).toBe(
      "Permission container.stop is required; your role viewer does not have it.",
    );
  });
});
