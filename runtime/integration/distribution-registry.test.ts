/**
 * docker pull / push / login against real registries (Debian's docker-registry 2.8 on 127.0.0.1), driven with the
 * stock docker CLI through a private hakod, and checked from the other side with skopeo: open, htpasswd Basic auth,
 * and token auth with a token server test double (testing/registry-peers.ts).
 */
import { lookup } from "node:dns/promises";
import { hostname } from "node:os";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyboxOciLayout } from "../testing/fixtures.js";
import { tempDir } from "../testing/temp.js";
import { havePeers, SKOPEO_BIN, startRealRegistry, type RealRegistry } from "../testing/registry-peers.js";
import { HAKOD, isRoot, run, startEngine, type EngineHandle } from "./engine-harness.js";

const enabled = isRoot && havePeers;
const skopeo = (args: string[]) => run(SKOPEO_BIN, args, { timeoutMs: 120_000 });

async function skopeoDigest(ref: string, creds?: string): Promise<string> {
  const r = await skopeo(["inspect", "--tls-verify=false", ...(creds ? ["--creds", creds] : []), "--format", "{{.Digest}}", `docker://${ref}`]);
  if (r.code !== 0) throw new Error(`skopeo inspect ${ref}: ${r.stderr}`);
  return r.stdout.trim();
}

describe.skipIf(!enabled)("registry interop (real docker-registry, docker CLI, skopeo)", () => {
  let engine: EngineHandle;
  let open: RealRegistry;
  let busybox: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    open = await startRealRegistry();
    busybox = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
    await open?.stop();
  });

  it("an image pushed by hakod is what skopeo reads, and skopeo's copy has the same digest", async () => {
    const target = `${open.host}/team/bb:v1`;
    expect((await engine.docker(["tag", busybox, target])).code).toBe(0);
    const push = await engine.docker(["push", target]);
    expect(push.stderr).toBe("");
    expect(push.stdout).toContain(`The push refers to repository [${open.host}/team/bb]`);
    expect(push.stdout).toMatch(/: Pushed/);
    const fixture = await busyboxOciLayout();
    expect(push.stdout).toContain(`v1: digest: ${fixture.manifestDigest} size:`);
    expect(await skopeoDigest(target)).toBe(fixture.manifestDigest);

    const copy = await skopeo(["copy", "--src-tls-verify=false", "--dest-tls-verify=false", `docker://${target}`, `docker://${open.host}/copies/bb:v1`]);
    expect(copy.code, copy.stderr).toBe(0);
    expect(await skopeoDigest(`${open.host}/copies/bb:v1`)).toBe(fixture.manifestDigest);

    const again = await engine.docker(["push", target]);
    expect(again.stdout).toContain("Layer already exists");
  });

  it("a second repository on the same registry gets the layer by cross-repository mount", async () => {
    const target = `${open.host}/other/bb:v1`;
    await engine.docker(["tag", busybox, target]);
    const push = await engine.docker(["push", target]);
    expect(push.stdout).toMatch(/Mounted from team\/bb|Layer already exists/);
    expect(await skopeoDigest(target)).toBe((await busyboxOciLayout()).manifestDigest);
  });

  it("an image skopeo pushed from the busybox OCI layout is pulled by hakod and runs", async () => {
    const fixture = await busyboxOciLayout();
    const ref = `${open.host}/skopeo/busybox:1`;
    const copy = await skopeo(["copy", "--dest-tls-verify=false", `oci:${fixture.dir}`, `docker://${ref}`]);
    expect(copy.code, copy.stderr).toBe(0);
    const pull = await engine.docker(["pull", ref]);
    expect(pull.code, pull.stderr).toBe(0);
    expect(pull.stdout).toContain(`Digest: ${await skopeoDigest(ref)}`);
    expect(pull.stdout).toContain(`Status: Downloaded newer image for ${ref}`);
    const runIt = await engine.docker(["run", "--rm", ref, "echo", "pulled and running"]);
    expect(runIt.stdout).toBe("pulled and running\n");
    const inspect = JSON.parse((await engine.docker(["image", "inspect", ref])).stdout) as Array<{ Id: string; RepoDigests: string[] }>;
    expect(inspect[0]?.Id).toBe(fixture.imageId);
    expect(inspect[0]?.RepoDigests).toContain(`${open.host}/skopeo/busybox@${await skopeoDigest(ref)}`);
    const again = await engine.docker(["pull", ref]);
    expect(again.stdout).toContain(`Status: Image is up to date for ${ref}`);
  });

  it("an image skopeo pushed with zstd layers is pulled by hakod and runs (the same image ID as the gzip one)", async () => {
    const fixture = await busyboxOciLayout();
    const ref = `${open.host}/skopeo/busybox-zstd:1`;
    // recompressed into a layout first: copying straight to the registry, skopeo reuses the gzip blob it already has
    const zstdLayout = await tempDir("hako-zstd-oci-");
    try {
      const recompress = await skopeo(["copy", "--dest-compress-format", "zstd", `oci:${fixture.dir}`, `oci:${zstdLayout.path}`]);
      expect(recompress.code, recompress.stderr).toBe(0);
      const copy = await skopeo(["copy", "--dest-tls-verify=false", `oci:${zstdLayout.path}`, `docker://${ref}`]);
      expect(copy.code, copy.stderr).toBe(0);
    } finally {
      await zstdLayout.cleanup();
    }
    const raw = await skopeo(["inspect", "--raw", "--tls-verify=false", `docker://${ref}`]);
    expect(raw.stdout).toContain("tar+zstd");
    const pull = await engine.docker(["pull", ref]);
    expect(pull.code, pull.stderr).toBe(0);
    expect((await engine.docker(["run", "--rm", ref, "echo", "zstd and running"])).stdout).toBe("zstd and running\n");
    // same uncompressed layers, same config: the same image as the gzip-compressed original
    expect((await engine.docker(["image", "inspect", "-f", "{{.Id}}", ref])).stdout.trim()).toBe(fixture.imageId);
  });

  it("unknown tags and repositories fail with the registry's words", async () => {
    const r = await engine.docker(["pull", `${open.host}/team/bb:nope`]);
    expect(r.code).not.toBe(0);
    expect(r.stderr).toContain(`manifest for ${open.host}/team/bb:nope not found: manifest unknown`);
    const bad = await engine.docker(["pull", `${open.host}/Team/Bad`]);
    expect(bad.stderr).toMatch(/invalid reference format/);
  });

  it("pull and push are reported in the progress stream the CLI renders (JSON lines)", async () => {
    const r = await engine.request("POST", `/images/create?fromImage=${encodeURIComponent(`${open.host}/team/bb`)}&tag=v1`);
    const lines = r.text.trim().split("\n").map((l) => JSON.parse(l) as { status?: string });
    expect(lines.at(-1)?.status).toMatch(/^Status: (Image is up to date|Downloaded newer image) for /);
  });
});

describe.skipIf(!enabled)("registries with auth", () => {
  let engine: EngineHandle;
  let basic: RealRegistry;
  let token: RealRegistry;
  let busybox: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    basic = await startRealRegistry({ kind: "htpasswd", user: "alice", password: "s3cret" });
    token = await startRealRegistry({ kind: "token", user: "bob", password: "t0ken-pass" });
    busybox = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
    await basic?.stop();
    await token?.stop();
  });

  it.each([
    ["htpasswd Basic auth", () => basic, "alice", "s3cret"],
    ["bearer tokens from a token server", () => token, "bob", "t0ken-pass"],
  ])("%s: login refuses a wrong password, accepts the right one; push and pull then work", async (_, reg, user, password) => {
    const host = reg().host;
    const target = `${host}/team/bb:v1`;
    await engine.docker(["tag", busybox, target]);

    const anonymous = await engine.docker(["push", target]);
    expect(anonymous.code).not.toBe(0);
    expect(anonymous.stderr + anonymous.stdout).toMatch(/unauthorized|authentication required|denied/i);

    const wrong = await engine.docker(["login", host, "-u", user, "--password-stdin"], { input: "wrong" });
    expect(wrong.code).not.toBe(0);
    expect(wrong.stderr).toMatch(/unauthorized|incorrect username or password|401/i);

    const ok = await engine.docker(["login", host, "-u", user, "--password-stdin"], { input: password });
    expect(ok.stderr + ok.stdout).toContain("Login Succeeded");

    const push = await engine.docker(["push", target]);
    expect(push.code, push.stderr).toBe(0);
    // tokens are cached per scope: pushing again asks the token server nothing
    const tokensBefore = reg().tokenRequests();
    expect((await engine.docker(["push", target])).stdout).toContain("Layer already exists");
    expect(reg().tokenRequests()).toBe(tokensBefore);
    const creds = `${user}:${password}`;
    expect(await skopeoDigest(target, creds)).toBe((await busyboxOciLayout()).manifestDigest);

    await engine.docker(["rmi", target]);
    const pull = await engine.docker(["pull", target]);
    expect(pull.code, pull.stderr).toBe(0);
    expect((await engine.docker(["run", "--rm", target, "echo", "authed"])).stdout).toBe("authed\n");

    await engine.docker(["logout", host]);
    await engine.docker(["rmi", target]);
    const denied = await engine.docker(["pull", target]);
    expect(denied.code).not.toBe(0);
    expect(denied.stderr).toMatch(/pull access denied|unauthorized/i);
  });
});

const hostnameIsLoopback = await lookup(hostname()).then((a) => a.address.startsWith("127."), () => false);

describe.skipIf(!enabled)("insecure registries", () => {
  it.skipIf(!hostnameIsLoopback)("a plain-HTTP registry is refused unless loopback as written or named with --insecure-registry", async () => {
    const reg = await startRealRegistry();
    // The host name resolves to 127.0.0.1 here, but as written it is not loopback: refused without asking DNS.
    const name = `${hostname()}:${reg.host.split(":")[1]}`;
    const strict = await startEngine({ logLevel: "info" });
    const allowed = await startEngine({ logLevel: "info", args: ["--insecure-registry", name] });
    try {
      const r = await strict.docker(["pull", `${name}/team/bb:v1`]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("server gave HTTP response to HTTPS client");
      expect(r.stderr).toContain("--insecure-registry");

      const busybox = await allowed.loadBusybox();
      await allowed.docker(["tag", busybox, `${name}/team/bb:v1`]);
      const push = await allowed.docker(["push", `${name}/team/bb:v1`]);
      expect(push.code, push.stderr).toBe(0);
      const pull = await strict.docker(["pull", `${reg.host}/team/bb:v1`]);
      expect(pull.code, pull.stderr).toBe(0);
    } finally {
      await strict.cleanup();
      await allowed.cleanup();
      await reg.stop();
    }
  });

  it("hakod refuses a malformed --insecure-registry at start", async () => {
    const r = await run(HAKOD, ["--insecure-registry", "http://x/y", "--data-root", "/nonexistent-never-used"]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain("invalid insecure registry");
  });
});
