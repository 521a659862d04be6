/**
 * The Docker API edge of a real hakod, over raw HTTP on its socket: negotiation, versions, errors, the plain
 * (non-upgraded) attach that dockerode uses, bad input that must change nothing.
 */
import { stat } from "node:fs/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { pendingRequest } from "./pending-request.js";

const JSON_HEADERS = { "Content-Type": "application/json" };

describe.skipIf(!isRoot)("the Docker Engine API edge", () => {
  let engine: EngineHandle;
  let B: string;

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  it("listens on a socket with mode 0660", async () => {
    expect((await stat(engine.socket)).mode & 0o777).toBe(0o660);
  });

  it("announces its API version on /_ping, GET and HEAD", async () => {
    for (const method of ["GET", "HEAD"]) {
      const r = await engine.request(method, "/_ping");
      expect(r.status).toBe(200);
      expect(r.headers["api-version"]).toBe("1.41");
      expect(r.headers["ostype"]).toBe("linux");
      expect(r.headers["docker-experimental"]).toBe("false");
      expect(r.text).toBe(method === "GET" ? "OK" : "");
    }
    const v = await engine.docker(["version", "--format", "{{.Client.APIVersion}} {{.Server.APIVersion}}"]);
    expect(v.stdout.trim()).toBe("1.41 1.41");
  });

  it("serves /v1.24 … /v1.41 and refuses other versions with 400", async () => {
    expect((await engine.request("GET", "/v1.24/version")).status).toBe(200);
    expect((await engine.request("GET", "/v1.41/containers/json")).status).toBe(200);
    const old = await engine.request("GET", "/v1.12/version");
    expect(old.status).toBe(400);
    expect(old.json()).toEqual({
      message: "client version 1.12 is too old. Minimum supported API version is 1.24, please upgrade your client to a newer version",
    });
    const neu = await engine.request("GET", "/v1.50/version");
    expect(neu.status).toBe(400);
    expect(neu.json()).toEqual({ message: "client version 1.50 is too new. Maximum supported API version is 1.41" });
  });

  it("answers an unknown route with 404 page not found", async () => {
    const r = await engine.request("GET", "/v1.41/nothing/here");
    expect(r.status).toBe(404);
    expect(r.json()).toEqual({ message: "page not found" });
  });

  it("reports real numbers in /info", async () => {
    const info = (await engine.request("GET", "/info")).json<Record<string, unknown>>();
    expect(info).toMatchObject({ Driver: "overlay2", CgroupDriver: "cgroupfs", OSType: "linux", Images: 1,
      DockerRootDir: engine.dataRoot });
    expect(["1", "2"]).toContain(info.CgroupVersion);
    expect(info.ID).toMatch(/^[0-9a-f]{64}$/);
    expect(info.NCPU).toBeGreaterThan(0);
    expect(info.MemTotal).toBeGreaterThan(0);
    const cli = await engine.docker(["info", "--format", "{{.Driver}} {{.CgroupVersion}} {{.Images}}"]);
    expect(cli.stdout.trim()).toMatch(/^overlay2 [12] 1$/);
  });

  it("refuses malformed JSON with 400 and creates nothing", async () => {
    const before = (await engine.request("GET", "/containers/json?all=1")).json<unknown[]>().length;
    const r = await engine.request("POST", "/v1.41/containers/create", { body: "{not json", headers: JSON_HEADERS });
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message).toMatch(/^invalid JSON/);
    const empty = await engine.request("POST", "/v1.41/containers/create", { headers: JSON_HEADERS });
    expect(empty.status).toBe(400);
    expect(empty.json()).toEqual({ message: "Config cannot be empty in order to create a container" });
    const badName = await engine.request("POST", "/v1.41/containers/create?name=-bad", {
      body: JSON.stringify({ Image: B }), headers: JSON_HEADERS,
    });
    expect(badName.status).toBe(400);
    const badMem = await engine.request("POST", "/v1.41/containers/create", {
      body: JSON.stringify({ Image: B, HostConfig: { Memory: 1024 } }), headers: JSON_HEADERS,
    });
    expect(badMem.status).toBe(400);
    expect(badMem.json()).toEqual({ message: "Minimum memory limit allowed is 6MB" });
    expect((await engine.request("GET", "/containers/json?all=1")).json<unknown[]>().length).toBe(before);
  });

  it("resolves containers by ID, unique prefix and name; 404 otherwise", async () => {
    const created = await engine.request("POST", "/containers/create?name=byname", {
      body: JSON.stringify({ Image: B, Cmd: ["true"] }), headers: JSON_HEADERS,
    });
    expect(created.status).toBe(201);
    const { Id } = created.json<{ Id: string }>();
    for (const ref of [Id, Id.slice(0, 5), "byname", "/byname"]) {
      const r = await engine.request("GET", `/containers/${encodeURIComponent(ref)}/json`);
      expect(r.status).toBe(200);
      expect(r.json<{ Id: string; Name: string; State: { Status: string } }>()).toMatchObject({
        Id, Name: "/byname", State: { Status: "created" },
      });
    }
    const missing = await engine.request("GET", "/containers/nope/json");
    expect(missing.status).toBe(404);
    expect(missing.json()).toEqual({ message: "No such container: nope" });
    expect((await engine.request("POST", `/containers/${Id}/kill`)).status).toBe(409);
    expect((await engine.request("DELETE", `/containers/${Id}`)).status).toBe(204);
  });

  it("streams attach output without upgrading the connection (dockerode) and loses nothing attached before start", async () => {
    const { Id } = (await engine.request("POST", "/containers/create", {
      body: JSON.stringify({ Image: B, Cmd: ["sh", "-c", "echo first; echo second >&2"] }), headers: JSON_HEADERS,
    })).json<{ Id: string }>();
    // hakod answers the attach once it is registered: from then on nothing the container writes is lost
    const attached = pendingRequest(engine, "POST", `/containers/${Id}/attach?stream=1&stdout=1&stderr=1`);
    expect(await attached.answered).toBe(200);
    expect((await engine.request("POST", `/containers/${Id}/start`)).status).toBe(204);
    const { headers: { "content-type": type }, body } = await attached.ended;
    expect(type).toBe("application/vnd.docker.multiplexed-stream");
    const frames: Array<[number, string]> = [];
    for (let off = 0; off < body.length;) {
      const len = body.readUInt32BE(off + 4);
      frames.push([body[off] as number, body.subarray(off + 8, off + 8 + len).toString()]);
      off += 8 + len;
    }
    expect(frames.filter(([s]) => s === 1).map(([, d]) => d).join("")).toBe("first\n");
    expect(frames.filter(([s]) => s === 2).map(([, d]) => d).join("")).toBe("second\n");
    const wait = await engine.request("POST", `/containers/${Id}/wait`);
    expect(wait.json()).toEqual({ StatusCode: 0, Error: null });
    expect((await engine.request("POST", `/containers/${Id}/start`)).status).toBe(204);
    await engine.request("POST", `/containers/${Id}/wait`);
    expect((await engine.request("DELETE", `/containers/${Id}`)).status).toBe(204);
  });

  it("answers a start of a running container with 304", async () => {
    const { Id } = (await engine.request("POST", "/containers/create", {
      body: JSON.stringify({ Image: B, Cmd: ["sleep", "600"] }), headers: JSON_HEADERS,
    })).json<{ Id: string }>();
    expect((await engine.request("POST", `/containers/${Id}/start`)).status).toBe(204);
    expect((await engine.request("POST", `/containers/${Id}/start`)).status).toBe(304);
    const del = await engine.request("DELETE", `/containers/${Id}`);
    expect(del.status).toBe(409);
    expect((await engine.request("DELETE", `/containers/${Id}?force=1`)).status).toBe(204);
  });

  it("removes an AutoRemove container before wait?condition=removed returns", async () => {
    const { Id } = (await engine.request("POST", "/containers/create", {
      body: JSON.stringify({ Image: B, Cmd: ["sh", "-c", "exit 4"], HostConfig: { AutoRemove: true } }),
      headers: JSON_HEADERS,
    })).json<{ Id: string }>();
    const waited = pendingRequest(engine, "POST", `/containers/${Id}/wait?condition=removed`);
    expect(await waited.answered).toBe(200); // the wait is registered
    await engine.request("POST", `/containers/${Id}/start`);
    expect(JSON.parse((await waited.ended).body.toString())).toEqual({ StatusCode: 4, Error: null });
    expect((await engine.request("GET", `/containers/${Id}/json`)).status).toBe(404);
  });

  it("loads images and reports a broken archive as 400 without storing anything", async () => {
    const r = await engine.request("POST", "/images/load", { body: Buffer.from("this is not a tar archive at all"),
      headers: { "Content-Type": "application/x-tar" } });
    expect(r.status).toBe(400);
    expect(r.json<{ message: string }>().message.length).toBeGreaterThan(0);
    expect((await engine.request("GET", "/images/json")).json<unknown[]>()).toHaveLength(1);
  });

  it("describes images the way the CLI reads them", async () => {
    const [img] = (await engine.request("GET", "/images/json")).json<Array<Record<string, unknown>>>();
    expect(img).toMatchObject({ RepoTags: [B], ParentId: "", SharedSize: -1, Containers: -1 });
    expect(img?.Id).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(typeof img?.Created).toBe("number");
    const inspect = (await engine.request("GET", `/images/${B}/json`)).json<Record<string, unknown>>();
    expect(inspect).toMatchObject({ Id: img?.Id, RepoTags: [B], Os: "linux", GraphDriver: { Name: "overlay2" } });
    expect(Date.parse(inspect.Created as string)).not.toBeNaN();
  });
});
