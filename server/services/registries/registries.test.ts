/**
 * Registries in the console: credentials stored sealed (the database row holds no password, the key file lives in the
 * console's data directory), tested with `docker login` through a real hakod against Debian's docker-registry with
 * htpasswd, and the permission matrix's refusals audited.
 */
import { mkdtempSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "../../../runtime/integration/engine-harness";
import { havePeers, startRealRegistry, type RealRegistry } from "../../../runtime/testing/registry-peers";
import { connectEngine } from "../../engine/client";
import { engineEndpoint } from "../../engine/endpoint";
import { createCaller } from "../../routers/_app";
import { userContext } from "../../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../../testing/temp-database";
import { addRegistry, authConfigFor, normaliseAddress, registryOfReference, testRegistry } from "./registries";
import { KEY_FILE } from "./secret-box";

let temp: TempDatabase;
const dataDir = mkdtempSync(join(tmpdir(), "hako-console-data-"));
beforeAll(async () => {
  process.env.HAKO_CONSOLE_DATA = dataDir;
  process.env.HAKO_HOST = "unix:///nonexistent/hako-registries-test.sock";
  temp = await openTempDatabase();
});
afterAll(async () => {
  await temp.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("registry addresses", () => {
  it("normalises what people paste, and reads the registry out of a reference as Docker does", () => {
    expect(normaliseAddress("https://Registry.Example.com:5000/v2/")).toBe("registry.example.com:5000");
    expect(normaliseAddress("index.docker.io")).toBe("docker.io");
    expect(() => normaliseAddress("not a host")).toThrow(/not a registry address/);
    expect(registryOfReference("127.0.0.1:5000/team/bb:v1")).toBe("127.0.0.1:5000");
    expect(registryOfReference("team/bb:v1")).toBe("docker.io");
    expect(registryOfReference("busybox")).toBe("docker.io");
    expect(registryOfReference("localhost/x")).toBe("localhost");
  });
});

describe("stored credentials", () => {
  it("keeps the password sealed in the database under a key file outside it (0600 in the console's data directory)", async () => {
    const added = await addRegistry(temp.db, "ada", { address: "reg.example:5000", username: "ci", password: "p4ss-w0rd" });
    expect(added).toMatchObject({ address: "reg.example:5000", username: "ci", hasSecret: true });
    const row = await temp.db.registry.findUniqueOrThrow({ where: { id: added.id } });
    expect(JSON.stringify(row)).not.toContain("p4ss-w0rd");
    expect(statSync(join(dataDir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(await authConfigFor(temp.db, "reg.example:5000")).toEqual({ username: "ci", password: "p4ss-w0rd", serveraddress: "reg.example:5000" });
  });

  it("refuses a second entry for the same address and a password without a username", async () => {
    await expect(addRegistry(temp.db, "ada", { address: "REG.example:5000" })).rejects.toMatchObject({ kind: "Conflict" });
    await expect(addRegistry(temp.db, "ada", { address: "x.example", password: "p" })).rejects.toMatchObject({ kind: "InvalidArgument" });
  });
});

describe("who may manage registries", () => {
  const operator = { id: "u-op", name: "olga", role: "operator" as const };
  const viewer = { id: "u-v", name: "vic", role: "viewer" as const };

  it("refuses an operator adding or removing one, and a viewer listing them, each with a denied audit row", async () => {
    const asOperator = createCaller(userContext(temp.db, operator));
    await expect(asOperator.registries.add({ address: "evil.example", username: "u", password: "pw-secret" })).rejects.toMatchObject({ code: "FORBIDDEN" });
    await expect(asOperator.registries.remove({ id: "x" })).rejects.toBeInstanceOf(TRPCError);
    await expect(createCaller(userContext(temp.db, viewer)).registries.list()).rejects.toMatchObject({ code: "FORBIDDEN", message: expect.stringContaining("registry.list") });
    expect(await asOperator.registries.list()).toEqual(expect.arrayContaining([expect.objectContaining({ address: "reg.example:5000" })]));
    const denied = await temp.db.auditEvent.findMany({ where: { outcome: "denied", action: { startsWith: "registry." } }, orderBy: { seq: "asc" } });
    expect(denied.map((d) => [d.action, d.actorName])).toEqual([["registry.add", "olga"], ["registry.remove", "olga"], ["registry.list", "vic"]]);
    expect(denied[0]?.params).not.toContain("pw-secret");
  });
});

describe.skipIf(!isRoot || !havePeers)("testing a registry through a real engine (docker login, POST /auth)", () => {
  let handle: EngineHandle;
  let registry: RealRegistry;
  beforeAll(async () => {
    handle = await startEngine();
    registry = await startRealRegistry({ kind: "htpasswd", user: "team", password: "right-pass" });
  }, 60_000);
  afterAll(async () => {
    await registry?.stop();
    await handle?.cleanup();
  });

  it("says Login Succeeded with the right password, and the registry's refusal with a wrong one", async () => {
    const engine = connectEngine(engineEndpoint(handle.host));
    const good = await addRegistry(temp.db, "ada", { address: registry.host, username: "team", password: "right-pass" });
    expect(await testRegistry(temp.db, engine, good.id)).toMatchObject({ lastTestOk: true, lastTestMessage: "Login Succeeded" });
    await temp.db.registry.delete({ where: { id: good.id } });
    const bad = await addRegistry(temp.db, "ada", { address: registry.host, username: "team", password: "wrong" });
    const tested = await testRegistry(temp.db, engine, bad.id);
    expect(tested.lastTestOk).toBe(false);
    expect(tested.lastTestMessage).toMatch(/unauthori[sz]ed|credentials|authentication/i);
  }, 60_000);
});
