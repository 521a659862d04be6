/**
 * Pulling from a registry test double (testing/registry-double.ts) that misbehaves on purpose: what a user sees, and
 * that a failed pull leaves the data root exactly as it was. The real registry is in
 * integration/distribution-registry.test.ts.
 */
import { lookup } from "node:dns/promises";
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { hostname } from "node:os";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../../layout.js";
import { digestOf } from "../../store/digest.js";
import { LocalImageStore } from "../../store/local-image-store.js";
import { buildOciLayout, type BuiltOci } from "../../testing/oci-builder.js";
import { startRegistryDouble, type RegistryDouble } from "../../testing/registry-double.js";
import { gzip, tarOf, zstd } from "../../testing/tar-build.js";
import { tempDir, treeOf } from "../../testing/temp.js";
import {
  DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_MANIFEST, DOCKER_MANIFEST_LIST, OCI_INDEX, OCI_MANIFEST,
} from "../media-types.js";
import { layerId, type ProgressMessage } from "./progress.js";
import { pullImage, pullReference } from "./pull.js";
import { Registries } from "./settings.js";

const hostnameIsLoopback = await lookup(hostname()).then((a) => a.address.startsWith("127."), () => false);

let dir: { path: string; cleanup(): Promise<void> };
let store: LocalImageStore;
let layout: Layout;
let registry: RegistryDouble;
let image: BuiltOci;
let bigLayer: Buffer;

beforeEach(async () => {
  dir = await tempDir();
  layout = new Layout(dir.path);
  store = new LocalImageStore(layout);
  await store.init();
  registry = await startRegistryDouble();
  bigLayer = gzip(await tarOf([{ name: "data.bin", content: Buffer.alloc(300_000, 7) }, { name: "hello", content: "hi" }]));
  image = buildOciLayout({ layers: [gzip(await tarOf([{ name: "etc/os", content: "test" }])), bigLayer] });
  registry.add(served("team/app", "v1", image));
});
afterEach(async () => {
  await registry.close();
  await dir.cleanup();
});

function served(repo: string, tag: string, built: BuiltOci, mediaType = OCI_MANIFEST) {
  const blobs = new Map<string, Buffer>();
  for (const [path, bytes] of built.files) if (path.startsWith("blobs/")) blobs.set(`sha256:${path.slice(13)}`, bytes);
  return { repo, tag, manifest: built.manifest, mediaType, blobs };
}

async function pull(ref: string, registries = new Registries({ retryDelayMs: 1 })) {
  const messages: ProgressMessage[] = [];
  await pullImage({ layout, images: store, registries }, { image: ref, credentials: {} }, (m) => messages.push(m));
  return messages;
}

async function expectFailsAndNothingStored(ref: string, message: string | RegExp) {
  const before = await treeOf(dir.path);
  const err = await pull(ref).catch((e: Error) => e);
  expect(err).toBeInstanceOf(Error);
  expect((err as Error).message).toMatch(message);
  expect(await treeOf(dir.path)).toEqual(before);
  expect(await store.list()).toEqual([]);
}

describe("pull from a registry", () => {
  it("stores the image under its name, with the manifest digest the registry has, and reports progress as Docker does", async () => {
    const messages = await pull(`${registry.host}/team/app:v1`);
    const img = await store.resolve(`${registry.host}/team/app:v1`);
    expect(img.id).toBe(image.configDigest);
    expect(img.manifestDigest).toBe(image.manifestDigest);
    expect(img.repoDigests).toEqual([`${registry.host}/team/app@${image.manifestDigest}`]);
    const statuses = messages.map((m) => m.status);
    expect(statuses[0]).toBe("Pulling from team/app");
    expect(statuses).toContain("Pulling fs layer");
    expect(statuses).toContain("Verifying Checksum");
    expect(statuses).toContain("Download complete");
    expect(statuses).toContain("Extracting");
    expect(statuses.filter((s) => s === "Pull complete")).toHaveLength(2);
    // both layers download at once: the big one's messages, whichever layer finishes last
    const downloading = messages.filter((m) => m.status === "Downloading" && m.id === layerId(digestOf(bigLayer)));
    expect(downloading.at(-1)?.progressDetail).toEqual({ current: bigLayer.length, total: bigLayer.length });
    expect(statuses.slice(-2)).toEqual([`Digest: ${image.manifestDigest}`, `Status: Downloaded newer image for ${registry.host}/team/app:v1`]);
  });

  it("unpacks a zstd layer (tar+zstd) while it downloads, as it does gzip ones", async () => {
    const tar = await tarOf([{ name: "srv/data.bin", content: Buffer.alloc(2_000_000, 3) }, { name: "srv/hello", content: "zstd" }]);
    registry.add(served("team/zstd", "v1", buildOciLayout({ layers: [zstd(tar)] })));
    await pull(`${registry.host}/team/zstd:v1`);
    const img = await store.resolve(`${registry.host}/team/zstd:v1`);
    expect(img.layers[0]?.diffId).toBe(digestOf(tar));
    const [fs] = store.layerPaths(img);
    expect(await readFile(join(fs as string, "srv/hello"), "utf8")).toBe("zstd");
    expect((await readFile(join(fs as string, "srv/data.bin"))).equals(Buffer.alloc(2_000_000, 3))).toBe(true);
  });

  it("pulled by digest, the image is named by its repository digest, not a tag, and is not dangling", async () => {
    const ref = `${registry.host}/team/app@${image.manifestDigest}`;
    const messages = await pull(ref);
    expect(messages.at(-1)?.status).toBe(`Status: Downloaded newer image for ${ref}`);
    const img = await store.resolve(ref);
    expect(img.repoTags).toEqual([]);
    expect(img.repoDigests).toEqual([ref]);
    expect((await pull(ref)).at(-1)?.status).toBe(`Status: Image is up to date for ${ref}`);
  });

  it("a second pull finds the image up to date and downloads no blob", async () => {
    await pull(`${registry.host}/team/app:v1`);
    registry.log.length = 0;
    const messages = await pull(`${registry.host}/team/app:v1`);
    expect(messages.at(-1)?.status).toBe(`Status: Image is up to date for ${registry.host}/team/app:v1`);
    expect(registry.log.filter((l) => l.includes("/blobs/"))).toEqual([]);
  });

  it("layers the store already holds are not downloaded again (Already exists)", async () => {
    await pull(`${registry.host}/team/app:v1`);
    const other = buildOciLayout({ layers: [bigLayer, gzip(await tarOf([{ name: "more", content: "x" }]))] });
    registry.add(served("team/other", "v2", other));
    registry.log.length = 0;
    const messages = await pull(`${registry.host}/team/other:v2`);
    expect(messages).toContainEqual({ status: "Already exists", progressDetail: {}, id: other.layerDigests[0]?.slice(7, 19) });
    expect(registry.log).not.toContain(`GET /v2/team/other/blobs/${other.layerDigests[0]}`);
    expect((await store.resolve(`${registry.host}/team/other:v2`)).id).toBe(other.configDigest);
  });

  it("picks linux/amd64 from an index", async () => {
    const arm = buildOciLayout({ layers: [gzip(await tarOf([{ name: "arm", content: "arm" }]))], config: { architecture: "arm64" } });
    const index = Buffer.from(JSON.stringify({
      schemaVersion: 2, mediaType: OCI_INDEX,
      manifests: [
        { mediaType: OCI_MANIFEST, digest: arm.manifestDigest, size: arm.manifest.length, platform: { os: "linux", architecture: "arm64" } },
        { mediaType: OCI_MANIFEST, digest: image.manifestDigest, size: image.manifest.length, platform: { os: "linux", architecture: "amd64" } },
      ],
    }));
    registry.add(served("team/multi", "arm", arm));
    registry.add(served("team/multi", "amd", image));
    registry.add({ ...served("team/multi", "1", image), manifest: index, mediaType: OCI_INDEX });
    const messages = await pull(`${registry.host}/team/multi:1`);
    expect((await store.resolve(`${registry.host}/team/multi:1`)).id).toBe(image.configDigest);
    expect(messages.map((m) => m.status)).toContain(`Digest: ${digestOf(index)}`);
    // the index is kept: the name's repository digest is the one the registry names the image by
    expect((await store.resolve(`${registry.host}/team/multi:1`)).repoDigests).toEqual([`${registry.host}/team/multi@${digestOf(index)}`]);
    expect(await store.hasBlob(digestOf(index))).toBe(true);
    expect((await store.resolve(`${registry.host}/team/multi@${digestOf(index)}`)).id).toBe(image.configDigest);
    const again = await pull(`${registry.host}/team/multi:1`);
    expect(again.at(-1)?.status).toBe(`Status: Image is up to date for ${registry.host}/team/multi:1`);
    // …and survives a restart's garbage collection while the name points at it
    const reopened = new LocalImageStore(layout);
    await reopened.init();
    expect(await reopened.hasBlob(digestOf(index))).toBe(true);
    await reopened.remove(`${registry.host}/team/multi:1`, { force: false, noPrune: false });
    await new LocalImageStore(layout).init();
    expect(await reopened.hasBlob(digestOf(index))).toBe(false);
    expect(registry.log.some((l) => l.includes(arm.layerDigests[0] as string))).toBe(false);
  });

  it("retries 5xx answers with back-off", async () => {
    registry.misbehave.fail5xx = 3;
    await pull(`${registry.host}/team/app:v1`);
    expect(registry.log.filter((l) => l.startsWith("GET /v2/team/app/manifests/v1"))).toHaveLength(4);
    expect((await store.resolve(`${registry.host}/team/app:v1`)).id).toBe(image.configDigest);
  });

  it("resumes a blob whose connection broke, asking for the rest with Range", async () => {
    const layer = image.layerDigests[1] as string;
    registry.misbehave.cutBlobOnce = layer;
    await pull(`${registry.host}/team/app:v1`);
    const gets = registry.log.filter((l) => l.startsWith(`GET /v2/team/app/blobs/${layer}`));
    expect(gets).toHaveLength(2);
    expect(gets[1]).toMatch(/ bytes=\d+-$/);
    expect((await store.resolve(`${registry.host}/team/app:v1`)).id).toBe(image.configDigest);
    await expectLayerUnpacked();
  });

  it("starts a broken blob over when the registry does not honour Range", async () => {
    registry.misbehave.cutBlobOnce = image.layerDigests[1] as string;
    registry.misbehave.range = false;
    await pull(`${registry.host}/team/app:v1`);
    expect((await store.resolve(`${registry.host}/team/app:v1`)).id).toBe(image.configDigest);
    await expectLayerUnpacked();
  });

  it("downloads at most maxConcurrentDownloads layers at a time", async () => {
    const layers = await Promise.all([1, 2, 3, 4].map(async (n) => gzip(await tarOf([{ name: `f${n}`, content: `layer ${n}` }]))));
    const four = buildOciLayout({ layers });
    registry.add(served("team/four", "1", four));
    registry.misbehave.holdBlobs = new Set(four.layerDigests);
    const pulling = pull(`${registry.host}/team/four:1`, new Registries({ retryDelayMs: 1, maxConcurrentDownloads: 2 }));
    while (registry.heldBlobs() < 2) await new Promise((r) => setTimeout(r, 10));
    await new Promise((r) => setTimeout(r, 300)); // room for a third request, were the bound not kept
    expect(registry.heldBlobs()).toBe(2);
    registry.releaseBlobs();
    await pulling;
    expect((await store.resolve(`${registry.host}/team/four:1`)).layers).toHaveLength(4);
  });

  it("pulls Docker schema 2 images: a manifest list, a v2 manifest, Docker's config and layer media types", async () => {
    const m = JSON.parse(image.manifest.toString("utf8")) as { mediaType: string; config: { mediaType: string };
      layers: Array<{ mediaType: string }> };
    m.mediaType = DOCKER_MANIFEST;
    m.config.mediaType = DOCKER_CONFIG;
    for (const l of m.layers) l.mediaType = DOCKER_LAYER_GZIP;
    const manifest = Buffer.from(JSON.stringify(m));
    const list = Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: DOCKER_MANIFEST_LIST, manifests: [
      { mediaType: DOCKER_MANIFEST, digest: digestOf(manifest), size: manifest.length, platform: { os: "linux", architecture: "amd64" } }] }));
    const docker = served("team/docker", "1", image, DOCKER_MANIFEST);
    registry.add({ ...docker, manifest, mediaType: DOCKER_MANIFEST });
    registry.add({ ...docker, tag: "list", manifest: list, mediaType: DOCKER_MANIFEST_LIST });
    await pull(`${registry.host}/team/docker:list`);
    const img = await store.resolve(`${registry.host}/team/docker:list`);
    expect(img.id).toBe(image.configDigest);
    expect(img.manifestDigest).toBe(digestOf(manifest));
    expect(img.repoDigests).toEqual([`${registry.host}/team/docker@${digestOf(list)}`]);
    expect(img.layers.map((l) => l.mediaType)).toEqual([DOCKER_LAYER_GZIP, DOCKER_LAYER_GZIP]);
    const top = store.layerPaths(img)[1] as string;
    expect(await readFile(join(top, "hello"), "utf8")).toBe("hi");
  });

  it("leaves nothing in its staging directory, and the stored blob is the registry's bytes", async () => {
    await pull(`${registry.host}/team/app:v1`);
    await expectLayerUnpacked();
    expect(await readdir(layout.tmpDir())).toEqual([]);
    const { stream } = await store.openBlob(image.layerDigests[1] as string);
    const chunks: Buffer[] = [];
    for await (const c of stream) chunks.push(c as Buffer);
    expect(Buffer.concat(chunks).equals(bigLayer)).toBe(true);
  });
});

/** The second layer (unpacked while it downloaded, or by the store after a restart) holds the right files. */
async function expectLayerUnpacked(): Promise<void> {
  const img = await store.resolve(`${registry.host}/team/app:v1`);
  const top = store.layerPaths(img)[1] as string;
  expect((await readFile(join(top, "data.bin"))).equals(Buffer.alloc(300_000, 7))).toBe(true);
  expect(await readFile(join(top, "hello"), "utf8")).toBe("hi");
}

describe("pulls that must fail and store nothing", () => {
  it("a layer whose bytes do not match its digest: the error names the blob", async () => {
    const layer = image.layerDigests[1] as string;
    const wrong = Buffer.from(bigLayer);
    wrong[wrong.length >> 1] = (wrong[wrong.length >> 1] as number) ^ 0xff;
    registry.misbehave.replaceBlob = new Map([[layer, wrong]]);
    await expectFailsAndNothingStored(`${registry.host}/team/app:v1`, `digest mismatch for layer ${layer}`);
  });

  it("a layer that writes through a symlink out of its root: refused, though its digest is right", async () => {
    const hostile = gzip(await tarOf([{ name: "escape", type: "symlink", linkname: "/" }, { name: "escape/etc/evil", content: "x" }]));
    registry.add(served("team/hostile", "1", buildOciLayout({ layers: [hostile] })));
    await expectFailsAndNothingStored(`${registry.host}/team/hostile:1`, /path escapes the root: escape\/etc\/evil/);
  });

  it("a layer that does not unpack to the diff ID its config names", async () => {
    const layer = gzip(await tarOf([{ name: "a", content: "a" }]));
    const lying = buildOciLayout({ layers: [layer], diffIds: [digestOf("something else")] });
    registry.add(served("team/lying", "1", lying));
    await expectFailsAndNothingStored(`${registry.host}/team/lying:1`, `layer ${lying.layerDigests[0]}: diff ID mismatch`);
  });

  it("a config whose bytes do not match its digest", async () => {
    registry.misbehave.replaceBlob = new Map([[image.configDigest, Buffer.from("{}")]]);
    await expectFailsAndNothingStored(`${registry.host}/team/app:v1`, `digest mismatch for config ${image.configDigest}`);
  });

  it("a manifest that is not what its digest says, pulled by digest or by tag", async () => {
    const tampered = Buffer.from(`${image.manifest.toString()} `);
    registry.misbehave.replaceManifest = new Map([[image.manifestDigest, tampered], ["v1", tampered]]);
    await expectFailsAndNothingStored(`${registry.host}/team/app@${image.manifestDigest}`, `digest mismatch for manifest ${image.manifestDigest}`);
    await expectFailsAndNothingStored(`${registry.host}/team/app:v1`, `digest mismatch for manifest ${image.manifestDigest}`);
  });

  it("a manifest of an unknown media type", async () => {
    registry.add({ ...served("team/odd", "1", image), mediaType: "application/vnd.example.thing+json",
      manifest: Buffer.from(JSON.stringify({ schemaVersion: 2, mediaType: "application/vnd.example.thing+json" })) });
    await expectFailsAndNothingStored(`${registry.host}/team/odd:1`, /unsupported manifest media type "application\/vnd.example.thing\+json"/);
  });

  it("an unknown tag: the registry's words", async () => {
    await expectFailsAndNothingStored(`${registry.host}/team/app:nope`, `manifest for ${registry.host}/team/app:nope not found: manifest unknown: manifest unknown`);
  });

  it("a registry that keeps failing: the last error after the retries", async () => {
    registry.misbehave.fail5xx = 100;
    await expectFailsAndNothingStored(`${registry.host}/team/app:v1`, /unavailable: service unavailable/);
  });

  it.skipIf(!hostnameIsLoopback)("a plain-HTTP registry that is not loopback as written nor configured insecure is refused, saying why", async () => {
    // the machine's host name resolves to 127.0.0.1, but as written it is not loopback
    const host = registry.host.replace("127.0.0.1", hostname());
    const before = await treeOf(dir.path);
    const err = await pull(`${host}/team/app:v1`).catch((e: Error) => e);
    expect(String(err)).toMatch(/server gave HTTP response to HTTPS client.*--insecure-registry/);
    expect(await treeOf(dir.path)).toEqual(before);
    // …and allowed once configured
    await pull(`${host}/team/app:v1`, new Registries({ retryDelayMs: 1, insecureRegistries: [host] }));
    expect((await store.resolve(`${host}/team/app:v1`)).id).toBe(image.configDigest);
  });
});

describe("pull references", () => {
  it("normalise as Docker does; tag may be a digest", () => {
    expect(pullReference("busybox")).toEqual({ domain: "docker.io", path: "library/busybox", tag: "latest" });
    expect(pullReference("busybox", "1.38")).toEqual({ domain: "docker.io", path: "library/busybox", tag: "1.38" });
    const d = `sha256:${"a".repeat(64)}`;
    expect(pullReference("127.0.0.1:5000/team/bb", d)).toEqual({ domain: "127.0.0.1:5000", path: "team/bb", digest: d });
    expect(() => pullReference("Bad Name")).toThrow(/invalid reference format/);
  });
});
