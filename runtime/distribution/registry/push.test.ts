/**
 * Pushing to a registry test double (testing/registry-double.ts): blobs go up once (HEAD first), by mount when
 * another repository has them, monolithic or in chunks, with retries; the manifest goes up last, byte for byte.
 * The real registry and skopeo check the same from outside in integration/distribution-registry.test.ts.
 */
import { randomBytes } from "node:crypto";
import { Readable } from "node:stream";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../../layout.js";
import { LocalImageStore } from "../../store/local-image-store.js";
import { ociArchive, buildOciLayout, type BuiltOci } from "../../testing/oci-builder.js";
import { startRegistryDouble, type RegistryDouble } from "../../testing/registry-double.js";
import { havePeers, SKOPEO_BIN, startRealRegistry } from "../../testing/registry-peers.js";
import { run } from "../../integration/engine-harness.js";
import { gzip, tarOf } from "../../testing/tar-build.js";
import { tempDir } from "../../testing/temp.js";
import type { ProgressMessage } from "./progress.js";
import { pushImage } from "./push.js";
import { Registries, type RegistryOptions } from "./settings.js";

let dir: { path: string; cleanup(): Promise<void> };
let store: LocalImageStore;
let registry: RegistryDouble;
let built: BuiltOci;
let layers: Buffer[];

beforeEach(async () => {
  dir = await tempDir();
  store = new LocalImageStore(new Layout(dir.path));
  await store.init();
  registry = await startRegistryDouble();
  layers = [gzip(await tarOf([{ name: "a", content: "a" }])), gzip(await tarOf([{ name: "big", content: randomBytes(200_000) }]))];
  built = buildOciLayout({ layers });
  await store.load(Readable.from([await ociArchive({ layers, name: `${registry.host}/team/app:v1` })]), () => {});
});
afterEach(async () => {
  await registry.close();
  await dir.cleanup();
});

async function push(name: string, tag?: string, options: Partial<RegistryOptions> = {}) {
  const messages: ProgressMessage[] = [];
  await pushImage({ images: store, registries: new Registries({ retryDelayMs: 1, ...options }) }, { name, tag, credentials: {} },
    (m) => messages.push(m));
  return messages;
}

describe("push to a registry", () => {
  it("uploads layers and config, then the manifest byte for byte, and reports it as Docker does", async () => {
    const messages = await push(`${registry.host}/team/app`, "v1");
    expect(registry.manifest("team/app:v1")?.equals(built.manifest)).toBe(true);
    for (const [i, l] of layers.entries()) expect(registry.blob(built.layerDigests[i] as string)?.equals(l)).toBe(true);
    expect(registry.blob(built.configDigest)?.equals(built.config)).toBe(true);
    const statuses = messages.map((m) => m.status);
    expect(statuses[0]).toBe(`The push refers to repository [${registry.host}/team/app]`);
    expect(statuses.filter((s) => s === "Pushed")).toHaveLength(2);
    expect(statuses).toContain(`v1: digest: ${built.manifestDigest} size: ${built.manifest.length}`);
    expect(messages.at(-1)?.aux).toEqual({ Tag: "v1", Digest: built.manifestDigest, Size: built.manifest.length });
    // the manifest only after every blob it names
    const manifestAt = registry.log.findIndex((l) => l.startsWith("PUT /v2/team/app/manifests/v1"));
    expect(registry.log.slice(manifestAt + 1).some((l) => l.includes("/blobs/"))).toBe(false);
  });

  it("asks before uploading: blobs the registry has are not sent again (Layer already exists)", async () => {
    await push(`${registry.host}/team/app`, "v1");
    registry.log.length = 0;
    const messages = await push(`${registry.host}/team/app`, "v1");
    expect(messages.filter((m) => m.status === "Layer already exists")).toHaveLength(2);
    expect(registry.log.filter((l) => l.startsWith("POST") || l.startsWith("PATCH"))).toEqual([]);
  });

  it("mounts blobs from another repository of the same registry instead of uploading them", async () => {
    await push(`${registry.host}/team/app`, "v1");
    await store.tag(`${registry.host}/team/app:v1`, `${registry.host}/other/app:v1`);
    // HEAD in the new repository says 404 in a real registry; the double knows blobs registry-wide, so ask for a mount directly
    registry.log.length = 0;
    const messages = await push(`${registry.host}/other/app`, "v1");
    expect(messages.filter((m) => m.status === "Layer already exists" || m.status === "Mounted from team/app").length).toBe(2);
  });

  it("uploads big blobs in chunks (PATCH with Content-Range, then PUT)", async () => {
    await push(`${registry.host}/team/app`, "v1", { uploadChunkBytes: 64 * 1024 });
    const patches = registry.log.filter((l) => l.startsWith("PATCH"));
    expect(patches.length).toBeGreaterThanOrEqual(2);
    expect(registry.blob(built.layerDigests[1] as string)?.equals(layers[1] as Buffer)).toBe(true);
  });

  it("retries 5xx answers", async () => {
    registry.misbehave.fail5xx = 2;
    await push(`${registry.host}/team/app`, "v1");
    expect(registry.manifest("team/app:v1")?.equals(built.manifest)).toBe(true);
  });

  it("a connection cut during a chunk starts that blob's upload again, and the registry gets the right bytes", async () => {
    registry.misbehave.cutUploadOnce = true;
    await push(`${registry.host}/team/app`, "v1", { uploadChunkBytes: 64 * 1024 });
    expect(registry.misbehave.cutUploadOnce).toBe(false);
    // the big layer's upload was begun twice: the cut one, and the one that went through
    const started = registry.log.filter((l) => l === "POST /v2/team/app/blobs/uploads/");
    expect(started.length).toBe(4);
    expect(registry.blob(built.layerDigests[1] as string)?.equals(layers[1] as Buffer)).toBe(true);
    expect(registry.manifest("team/app:v1")?.equals(built.manifest)).toBe(true);
  });

  it("uploads at most max-concurrent-uploads blobs at once", async () => {
    registry.misbehave.holdUploads = true;
    // two layers, one at a time (the config goes up after the layers)
    const pushing = push(`${registry.host}/team/app`, "v1", { maxConcurrentUploads: 1 });
    while (registry.heldUploads() < 1) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300)); // room for the second layer's upload, were the bound not kept
    expect(registry.heldUploads()).toBe(1);
    registry.releaseUploads();
    await pushing;
    expect(registry.manifest("team/app:v1")?.equals(built.manifest)).toBe(true);
  });

  it("without a tag, pushes every tag of the repository", async () => {
    await store.tag(`${registry.host}/team/app:v1`, `${registry.host}/team/app:v2`);
    const messages = await push(`${registry.host}/team/app`);
    expect(messages.map((m) => m.status).filter((s) => s?.includes(": digest:"))).toEqual([
      `v1: digest: ${built.manifestDigest} size: ${built.manifest.length}`,
      `v2: digest: ${built.manifestDigest} size: ${built.manifest.length}`,
    ]);
  });

  it("refuses a tag that does not exist here, with Docker's words", async () => {
    await expect(push(`${registry.host}/team/app`, "nope")).rejects.toThrow(`An image does not exist locally with the tag: ${registry.host}/team/app:nope`);
    await expect(push(`${registry.host}/none/here`)).rejects.toThrow(`An image does not exist locally with the tag: ${registry.host}/none/here`);
  });
});

describe.skipIf(!havePeers)("push to the real registry (docker-registry 2.8)", () => {
  it("takes a chunked upload, and skopeo reads back the same manifest digest", async () => {
    const real = await startRealRegistry();
    try {
      await store.tag(`${registry.host}/team/app:v1`, `${real.host}/chunked/app:v1`);
      await push(`${real.host}/chunked/app`, "v1", { uploadChunkBytes: 64 * 1024 });
      const r = await run(SKOPEO_BIN, ["inspect", "--tls-verify=false", "--format", "{{.Digest}}", `docker://${real.host}/chunked/app:v1`]);
      expect(r.stdout.trim()).toBe(built.manifestDigest);
      expect((await real.log()).match(/"PATCH \/v2\/chunked\/app\/blobs\/uploads\//g)?.length ?? 0).toBeGreaterThanOrEqual(2);
    } finally {
      await real.stop();
    }
  });
});
