/**
 * The network procedures against a real hakod (real bridges, veths and port proxies; needs root): an operator creates,
 * lists, inspects and removes a network, runs a container on it with a published port, connects and disconnects
 * another; the engine's refusals (an overlapping subnet, a network in use) reach the caller in words and are audited;
 * a viewer may look but not change, and the refusal is audited.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../runtime/integration/engine-harness";
import type { Role } from "../auth/permissions";
import { newUserContext } from "../testing/contexts";
import { failure } from "../testing/trpc-failure";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { createCaller } from "./_app";

// A /16 of its own per run (10.253.x.0/24 below), so that a concurrent run's bridges do not overlap this one's.
const octet = 1 + Math.floor(Math.random() * 250);
const SUBNET = `10.253.${octet}.0/24`;
const GATEWAY = `10.253.${octet}.1`;

let temp: TempDatabase;
let handle: EngineHandle;
let image: string;

beforeAll(async () => {
  handle = await startEngine();
  image = await handle.loadBusybox();
  process.env.HAKO_HOST = handle.host; // before the first engine() call of this process
  temp = await openTempDatabase();
});
afterAll(async () => {
  await temp?.close();
  await handle?.cleanup();
});

const as = (role: Role) => newUserContext(temp.db, role);


async function auditOf(ctx: { request: { requestId: string | null } }) {
  return temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
}

describe.skipIf(!isRoot)("networks through the console", () => {
  it("creates a network that the list and inspect show as asked, and audits it", async () => {
    const ctx = await as("operator");
    const created = await createCaller(ctx).networks.create({ name: "rt-backend", subnet: SUBNET, gateway: GATEWAY, internal: true, labels: ["tier=db"] });
    expect(created).toMatchObject({ name: "rt-backend", id: expect.stringMatching(/^[0-9a-f]{12,}$/) });
    expect(await auditOf(ctx)).toEqual([expect.objectContaining({ action: "network.create", outcome: "ok", targetKind: "network", targetId: created.id, targetName: "rt-backend" })]);

    const list = await createCaller(ctx).networks.list();
    expect(list.map((n) => n.name)).toEqual(expect.arrayContaining(["bridge", "host", "none", "rt-backend"]));
    expect(list.find((n) => n.name === "rt-backend")).toMatchObject({ subnet: SUBNET, gateway: GATEWAY, internal: true, builtin: false, containers: 0, labels: { tier: "db" } });
    expect(list.find((n) => n.name === "bridge")).toMatchObject({ builtin: true, driver: "bridge" });
    expect((await handle.docker(["network", "inspect", "-f", "{{.Internal}} {{(index .IPAM.Config 0).Subnet}}", "rt-backend"])).stdout.trim()).toBe(`true ${SUBNET}`);
  });

  it("refuses an overlapping subnet with the engine's words, audited, and creates nothing", async () => {
    const ctx = await as("operator");
    const error = await failure(createCaller(ctx).networks.create({ name: "rt-overlap", subnet: `10.253.${octet}.128/25` }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toMatch(/overlaps.*rt-backend/);
    expect(await auditOf(ctx)).toEqual([expect.objectContaining({ action: "network.create", outcome: "error", targetName: "rt-overlap" })]);
    expect((await createCaller(ctx).networks.list()).some((n) => n.name === "rt-overlap")).toBe(false);
  });

  it("refuses a gateway outside the subnet before asking the engine", async () => {
    const ctx = await as("operator");
    const error = await failure(createCaller(ctx).networks.create({ name: "rt-bad", subnet: "10.252.9.0/24", gateway: "10.252.10.1" }));
    expect(error.code).toBe("BAD_REQUEST");
    expect((await auditOf(ctx))[0]).toMatchObject({ action: "network.create", outcome: "error", message: "Invalid input: gateway: The gateway must be a host address inside 10.252.9.0/24." });
    expect((await handle.docker(["network", "ls", "-q", "-f", "name=rt-bad"])).stdout.trim()).toBe("");
  });

  it("lets a viewer look but not change: FORBIDDEN, with a denied audit row", async () => {
    const ctx = await as("viewer");
    expect((await createCaller(ctx).networks.list()).some((n) => n.name === "rt-backend")).toBe(true);
    const error = await failure(createCaller(ctx).networks.create({ name: "rt-viewer", subnet: "10.252.11.0/24" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("Permission network.create is required; your role viewer does not have it.");
    expect(await auditOf(ctx)).toEqual([expect.objectContaining({ action: "network.create", outcome: "denied", actorRole: "viewer" })]);
    const removal = await failure(createCaller(ctx).networks.remove({ id: "rt-backend" }));
    expect(removal.code).toBe("FORBIDDEN");
    expect((await handle.docker(["network", "ls", "-q", "-f", "name=rt-viewer"])).stdout.trim()).toBe("");
  });

  it("runs a container on the network with a published port; inspect shows it attached, the list its port", async () => {
    const ctx = await as("operator");
    const caller = createCaller(ctx);
    await caller.networks.create({ name: "rt-front", subnet: `10.253.${octet + 1}.0/24` });
    const run = await caller.containers.create({
      image, name: "rt-web", command: "sleep 600", network: "rt-front", networkAliases: ["www"],
      ports: [{ hostIp: "127.0.0.1", containerPort: "80" }],
    });
    const detail = await caller.networks.inspect({ id: "rt-front" });
    expect(detail.containers).toBe(1);
    expect(detail.attached).toEqual([expect.objectContaining({ id: run.id, name: "rt-web", state: "running", aliases: ["www"] })]);
    expect(detail.attached[0]?.ipv4).toMatch(new RegExp(`^10\\.253\\.${octet + 1}\\.\\d+/24$`));

    const overview = (await caller.containers.inspect({ id: run.id })).overview;
    expect(overview.networks).toEqual([{ id: detail.id, name: "rt-front", ipv4: detail.attached[0]?.ipv4 }]);
    expect(overview.published).toEqual([{ hostIp: "127.0.0.1", hostPort: expect.any(Number), containerPort: 80, proto: "tcp" }]);
    const row = (await caller.containers.list()).find((c) => c.id === run.id);
    expect(row?.ports).toEqual([{ hostIp: "127.0.0.1", hostPort: expect.any(Number), containerPort: 80, proto: "tcp" }]);
    expect(row?.ports[0]?.hostPort).toBeGreaterThan(0);
    const port = (await handle.docker(["port", "rt-web", "80/tcp"])).stdout.trim();
    expect(port).toBe(`127.0.0.1:${row?.ports[0]?.hostPort}`);

    // connect and disconnect a second network, with an alias
    const joined = await caller.networks.connect({ network: "rt-backend", container: "rt-web", aliases: ["db-client"] });
    expect(joined.name).toBe("rt-backend");
    const backend = await caller.networks.inspect({ id: "rt-backend" });
    expect(backend.attached).toEqual([expect.objectContaining({ name: "rt-web", aliases: ["db-client"] })]);
    await caller.networks.disconnect({ network: "rt-backend", container: "rt-web" });
    expect((await caller.networks.inspect({ id: "rt-backend" })).attached).toEqual([]);
    const actions = (await auditOf(ctx)).map((r) => `${r.action} ${r.outcome} ${r.targetName}`);
    expect(actions).toEqual(expect.arrayContaining(["network.connect ok rt-backend", "network.disconnect ok rt-backend"]));
  });

  it("refuses to remove a network in use, naming the container, then removes it once free", async () => {
    const ctx = await as("operator");
    const caller = createCaller(ctx);
    const front = (await caller.networks.list()).find((n) => n.name === "rt-front")!;
    const error = await failure(caller.networks.remove({ id: front.id })); // by ID, as the page asks: the audit names it
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toBe("Network rt-front is in use by container (rt-web): disconnect or remove them first.");
    expect((await auditOf(ctx)).at(-1)).toMatchObject({ action: "network.remove", outcome: "error", targetName: "rt-front", targetId: front.id });

    expect((await handle.docker(["rm", "-f", "rt-web"])).code).toBe(0);
    const removed = await caller.networks.remove({ id: "rt-front" });
    expect(removed.name).toBe("rt-front");
    expect((await auditOf(ctx)).at(-1)).toMatchObject({ action: "network.remove", outcome: "ok", targetName: "rt-front", targetId: removed.id });
    expect((await caller.networks.list()).some((n) => n.name === "rt-front")).toBe(false);
    const gone = await failure(caller.networks.inspect({ id: "rt-front" }));
    expect(gone.code).toBe("NOT_FOUND");
  });

  it("refuses to remove a built-in network", async () => {
    const error = await failure(createCaller(await as("admin")).networks.remove({ id: "bridge" }));
    expect(error.code).toBe("CONFLICT");
    expect(error.message).toContain("bridge");
  });
});
