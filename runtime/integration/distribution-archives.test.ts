/**
 * docker save / load / import / tag / rmi / image prune / history through a private hakod with the stock docker CLI:
 * archives in the shape Docker 25+ writes (read back by hakod and by skopeo), root filesystem imports with
 * `--change`, dangling images and pruning.
 */
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { extract } from "tar-stream";
import { busyboxOciLayout, type BusyboxFixture } from "../testing/fixtures.js";
import { havePeers, SKOPEO_BIN } from "../testing/registry-peers.js";
import { isRoot, run, startEngine, type EngineHandle } from "./engine-harness.js";

let engine: EngineHandle;
let busybox: string;
let fixture: BusyboxFixture;
let dir: string;

async function tarEntries(bytes: Buffer): Promise<Map<string, Buffer>> {
  const out = new Map<string, Buffer>();
  const ex = extract();
  ex.end(bytes);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    out.set(entry.header.name, Buffer.concat(chunks));
  }
  return out;
}

interface Inspect { Id: string; RepoTags: string[]; RepoDigests: string[]; Size: number; Comment: string;
  Config: { Env: string[]; Cmd: string[] | null; WorkingDir: string; Labels: Record<string, string> | null; ExposedPorts?: Record<string, object> };
  RootFS: { Layers: string[] } }

async function inspect(ref: string): Promise<Inspect> {
  const r = await engine.docker(["image", "inspect", ref]);
  if (r.code !== 0) throw new Error(r.stderr);
  return (JSON.parse(r.stdout) as Inspect[])[0] as Inspect;
}

describe.skipIf(!isRoot)("image archives and names", () => {
  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    busybox = await engine.loadBusybox();
    fixture = await busyboxOciLayout();
    dir = await mkdtemp(join(tmpdir(), "hako-archives-"));
  });
  afterAll(async () => {
    await engine?.cleanup();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  it("docker save writes several images into one Docker 25+ archive, and docker load brings them back unchanged", async () => {
    await engine.docker(["tag", busybox, "team/one:1"]);
    await engine.docker(["tag", busybox, "team/two:2"]);
    const file = join(dir, "two.tar");
    const save = await engine.docker(["save", "-o", file, "team/one:1", "team/two:2"]);
    expect(save.code, save.stderr).toBe(0);
    const entries = await tarEntries(await readFile(file));
    expect(JSON.parse((entries.get("oci-layout") as Buffer).toString())).toEqual({ imageLayoutVersion: "1.0.0" });
    const manifestJson = JSON.parse((entries.get("manifest.json") as Buffer).toString()) as Array<{ Config: string; RepoTags: string[]; Layers: string[] }>;
    expect(manifestJson).toEqual([{
      Config: `blobs/sha256/${fixture.imageId.slice(7)}`,
      RepoTags: ["team/one:1", "team/two:2"],
      Layers: [`blobs/sha256/${fixture.layerDigest.slice(7)}`],
    }]);
    const index = JSON.parse((entries.get("index.json") as Buffer).toString()) as { manifests: Array<{ digest: string; annotations: Record<string, string> }> };
    expect(index.manifests.map((m) => [m.digest, m.annotations["io.containerd.image.name"]])).toEqual([
      [fixture.manifestDigest, "docker.io/team/one:1"],
      [fixture.manifestDigest, "docker.io/team/two:2"],
    ]);
    for (const d of [fixture.imageId, fixture.layerDigest, fixture.manifestDigest]) expect(entries.has(`blobs/sha256/${d.slice(7)}`)).toBe(true);

    await engine.docker(["rmi", "team/one:1", "team/two:2"]);
    const load = await engine.docker(["load", "-i", file]);
    expect(load.stdout).toBe("Loaded image: team/one:1\nLoaded image: team/two:2\n");
    const one = await inspect("team/one:1");
    expect(one.Id).toBe(fixture.imageId);
    expect(one.RepoDigests).toContain(`team/one@${fixture.manifestDigest}`);
  });

  it("GET /images/{name}/get and /images/get?names= answer the same archive; unknown names are a 404 before any byte", async () => {
    const a = await engine.request("GET", `/images/${busybox}/get`);
    const b = await engine.request("GET", `/images/get?names=${encodeURIComponent(busybox)}`);
    expect(a.status).toBe(200);
    expect(a.body.equals(b.body)).toBe(true);
    const missing = await engine.request("GET", "/images/get?names=nope:1");
    expect(missing.status).toBe(404);
    expect(missing.json<{ message: string }>().message).toBe("No such image: nope:1");
  });

  it.skipIf(!havePeers)("skopeo reads a saved archive as an OCI archive with the same manifest digest", async () => {
    const file = join(dir, "one.tar");
    await engine.docker(["save", "-o", file, busybox]);
    const r = await run(SKOPEO_BIN, ["inspect", "--format", "{{.Digest}}", `oci-archive:${file}`]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout.trim()).toBe(fixture.manifestDigest);
  });

  it("docker import makes a one-layer image from a rootfs tarball, with --change and --message", async () => {
    const layer = join(fixture.dir, "blobs", "sha256", fixture.layerDigest.slice(7));
    const r = await engine.docker(["import", "--change", 'CMD ["echo", "imported"]', "--change", "ENV FOO=bar", "--change", "WORKDIR /tmp",
      "--change", "LABEL team=core", "--change", "EXPOSE 8080", "-m", "from a tarball", layer, "imported/bb:1"]);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[a-f0-9]{64}\n$/);
    const img = await inspect("imported/bb:1");
    expect(img.Id).toBe(r.stdout.trim());
    expect(img.RootFS.Layers).toEqual([fixture.diffId]);
    expect(img.Config.Cmd).toEqual(["echo", "imported"]);
    expect(img.Config.Env).toEqual(["FOO=bar"]);
    expect(img.Config.WorkingDir).toBe("/tmp");
    expect(img.Config.Labels).toEqual({ team: "core" });
    expect(img.Config.ExposedPorts).toEqual({ "8080/tcp": {} });
    expect(img.Comment).toBe("from a tarball");
    expect((await engine.docker(["run", "--rm", "imported/bb:1"])).stdout).toBe("imported\n");
    expect((await engine.docker(["run", "--rm", "imported/bb:1", "sh", "-c", "echo $FOO $(pwd)"])).stdout).toBe("bar /tmp\n");
  });

  it("docker import refuses what is not a tarball, and changes that are not config changes, storing nothing", async () => {
    const before = (await engine.docker(["images", "-q", "-a", "--no-trunc"])).stdout;
    const junk = join(dir, "junk.bin");
    await writeFile(junk, Buffer.alloc(5000, 0x41));
    const bad = await engine.docker(["import", junk, "junk:1"]);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toMatch(/invalid|tar/i);
    const layer = join(fixture.dir, "blobs", "sha256", fixture.layerDigest.slice(7));
    const run1 = await engine.docker(["import", "--change", "RUN echo no", layer, "junk:2"]);
    expect(run1.code).not.toBe(0);
    expect(run1.stderr).toContain("run is not a valid change command");
    expect((await engine.docker(["images", "-q", "-a", "--no-trunc"])).stdout).toBe(before);
  });

  it("a tag that moves leaves the old image dangling (<none>:<none>); image prune removes dangling images only", async () => {
    const layer = join(fixture.dir, "blobs", "sha256", fixture.layerDigest.slice(7));
    const first = (await engine.docker(["import", "-c", "LABEL v=1", layer, "moving:1"])).stdout.trim();
    const second = (await engine.docker(["import", "-c", "LABEL v=2", layer, "moving:1"])).stdout.trim();
    expect(first).not.toBe(second);
    const dangling = await engine.docker(["images", "-f", "dangling=true", "--format", "{{.ID}} {{.Repository}}:{{.Tag}}"]);
    expect(dangling.stdout).toContain(`${first.slice(7, 19)} <none>:<none>`);
    const prune = await engine.docker(["image", "prune", "-f"]);
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toContain(`deleted: ${first}`);
    expect((await engine.docker(["images", "-q", "--no-trunc"])).stdout).not.toContain(first);
    expect((await inspect("moving:1")).Id).toBe(second);
  });

  it("image prune -a removes every image no container uses, and keeps the ones in use", async () => {
    const created = await engine.docker(["create", busybox, "true"]);
    expect(created.code, created.stderr).toBe(0);
    await engine.docker(["tag", busybox, "extra:1"]);
    const prune = await engine.docker(["image", "prune", "-a", "-f"]);
    expect(prune.code, prune.stderr).toBe(0);
    expect(prune.stdout).toContain("untagged: moving:1");
    expect(prune.stdout).toMatch(/Total reclaimed space: [1-9]/);
    const left = (await engine.docker(["images", "--format", "{{.Repository}}:{{.Tag}}"])).stdout;
    expect(left).toContain(busybox);
    expect(left).not.toContain("moving:1");
    await engine.docker(["rm", created.stdout.trim()]);
  });

  it("rmi of one of two tags only untags; history and inspect agree on sizes", async () => {
    await engine.docker(["tag", busybox, "alias:1"]);
    const rmi = await engine.docker(["rmi", "alias:1"]);
    expect(rmi.stdout).toBe("Untagged: alias:1\n");
    expect((await inspect(busybox)).Id).toBe(fixture.imageId);
    const img = await inspect(busybox);
    const history = JSON.parse((await engine.request("GET", `/images/${busybox}/history`)).text) as Array<{ Size: number }>;
    expect(history.reduce((n, h) => n + h.Size, 0)).toBe(img.Size);
    expect(img.Size).toBeGreaterThan(1_000_000);
  });
});
