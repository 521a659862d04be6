/**
 * `docker load` of bad archives: each is refused with the error kind a client should see, and the data root is left
 * exactly as it was (same files, same sizes) — no refs, no record, no blobs, no snapshots, no scratch files.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { Layout } from "../layout.js";
import { digestOf } from "../store/digest.js";
import { LocalImageStore } from "../store/local-image-store.js";
import { busyboxDockerArchive, busyboxOciLayout, type BusyboxFixture } from "../testing/fixtures.js";
import { buildOciLayout, ociArchive, tarOfFiles } from "../testing/oci-builder.js";
import { gzip, tarOf, zstd } from "../testing/tar-build.js";
import { tempDir, treeOf } from "../testing/temp.js";

let fixture: BusyboxFixture;
let dir: { path: string; cleanup(): Promise<void> };
let store: LocalImageStore;
let emptyTree: string[];

beforeAll(async () => {
  fixture = await busyboxOciLayout();
});
beforeEach(async () => {
  dir = await tempDir();
  store = new LocalImageStore(new Layout(dir.path));
  await store.init();
  emptyTree = await treeOf(dir.path);
});
afterEach(() => dir.cleanup());

const load = (bytes: Buffer) => store.load(Readable.from([bytes]), () => {});

/** The fixture's OCI layout as archive path → bytes, to tamper with. */
async function fixtureFiles(): Promise<Map<string, Buffer>> {
  const files = new Map<string, Buffer>();
  files.set("oci-layout", await readFile(join(fixture.dir, "oci-layout")));
  files.set("index.json", await readFile(join(fixture.dir, "index.json")));
  for (const hex of await readdir(join(fixture.dir, "blobs/sha256"))) {
    files.set(`blobs/sha256/${hex}`, await readFile(join(fixture.dir, "blobs/sha256", hex)));
  }
  return files;
}

function tamper(files: Map<string, Buffer>, digest: string, edit: (b: Buffer) => Buffer) {
  const key = `blobs/sha256/${digest.slice(7)}`;
  files.set(key, edit(Buffer.from(files.get(key) as Buffer)));
}

async function expectRefusedAndNothingStored(bytes: Buffer, kind: string, message?: string | RegExp) {
  const err = await load(bytes).catch((e) => e);
  expect(err).toMatchObject({ kind });
  if (typeof message === "string") expect(err.message).toContain(message);
  else if (message) expect(err.message).toMatch(message);
  expect(await treeOf(dir.path)).toEqual(emptyTree);
  expect(await store.list()).toEqual([]);
  return err;
}

describe("loading archives that fail verification", () => {
  it("a layer blob that does not match its digest", async () => {
    const files = await fixtureFiles();
    tamper(files, fixture.layerDigest, (b) => {
      const mid = b.length >> 1;
      b[mid] = (b[mid] as number) ^ 0xff;
      return b;
    });
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", `layer ${fixture.layerDigest}`);
  });

  it("a config that does not match its digest", async () => {
    const files = await fixtureFiles();
    tamper(files, fixture.imageId, (b) => Buffer.from(b.toString().replace(/"sh"/, '"rm"')));
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", `config ${fixture.imageId}`);
  });

  it("a manifest that does not match its digest", async () => {
    const files = await fixtureFiles();
    tamper(files, fixture.manifestDigest, (b) => Buffer.from(b.toString().replace(/"schemaVersion": ?2/, '"schemaVersion":3')));
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", `manifest ${fixture.manifestDigest}`);
  });

  it("a blob of the wrong size", async () => {
    const files = await fixtureFiles();
    const index = JSON.parse((files.get("index.json") as Buffer).toString());
    index.manifests[0].size += 1;
    files.set("index.json", Buffer.from(JSON.stringify(index)));
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", /size mismatch for manifest/);
  });

  it("a layer whose digests are consistent but whose content is not the config's diff ID (found while unpacking)", async () => {
    const good = gzip(await tarOf([{ name: "a", content: "a" }]));
    const other = gzip(await tarOf([{ name: "b", content: "b" }]));
    const { files } = buildOciLayout({ layers: [good, other], diffIds: [digestOf(await tarOf([{ name: "a", content: "a" }])), digestOf("not it")], name: "bad:1" });
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", /diff ID mismatch/);
  });

  it("a config with fewer diff IDs than layers", async () => {
    const l = gzip(await tarOf([{ name: "a", content: "a" }]));
    const { files } = buildOciLayout({ layers: [l, l], diffIds: [digestOf("x")], name: "bad:1" });
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption", /lists 1 diff IDs for 2 layers/);
  });

  it("a hostile layer in an otherwise valid image", async () => {
    const layer = gzip(await tarOf([{ name: "ok", content: "fine" }, { name: "x", type: "symlink", linkname: "/" }, { name: "x/etc/evil", content: "!" }]));
    await expectRefusedAndNothingStored(await ociArchive({ layers: [layer], name: "evil:1" }), "DataCorruption", /path escapes the root/);
  });

  it("two images where only the second is bad: neither is stored", async () => {
    const goodLayer = gzip(await tarOf([{ name: "good", content: "good" }]));
    const badLayer = gzip(await tarOf([{ name: "../bad", content: "bad" }]));
    const a = buildOciLayout({ layers: [goodLayer], name: "good:1" });
    const b = buildOciLayout({ layers: [badLayer], name: "bad:1" });
    const files = new Map([...a.files, ...b.files]);
    const index = JSON.parse((a.files.get("index.json") as Buffer).toString());
    index.manifests.push(JSON.parse((b.files.get("index.json") as Buffer).toString()).manifests[0]);
    files.set("index.json", Buffer.from(JSON.stringify(index)));
    await expectRefusedAndNothingStored(await tarOfFiles(files), "DataCorruption");
  });

  it("a legacy docker-archive whose layer.tar was altered", async () => {
    const { tarOfDockerArchive } = await legacyArchiveFiles();
    await expectRefusedAndNothingStored(await tarOfDockerArchive((layer) => layer.fill(0x20, 600, 700)), "DataCorruption", /layer [a-f0-9]{64}\/layer\.tar, diff ID/);
  });

  it("a docker25 archive with an altered blob", async () => {
    const bytes = await readFile(await busyboxDockerArchive("docker25"));
    // The config blob's JSON appears once in the archive: change one byte of it in place.
    const at = bytes.indexOf(Buffer.from('"architecture"'));
    expect(at).toBeGreaterThan(0);
    const altered = Buffer.from(bytes);
    altered[at + 1] = "A".charCodeAt(0);
    await expectRefusedAndNothingStored(altered, "DataCorruption", `config ${fixture.imageId}`);
  });
});

describe("loading things that are not image archives", () => {
  it.each([
    ["an empty stream", Buffer.alloc(0)],
    ["random bytes", Buffer.alloc(4096, 0x41)],
    ["a truncated gzip", gzip(Buffer.alloc(100_000, 1)).subarray(0, 200)],
  ])("%s → InvalidArgument", async (_, bytes) => {
    await expectRefusedAndNothingStored(bytes, "InvalidArgument");
  });

  it("a tar with neither index.json nor manifest.json → InvalidArgument", async () => {
    await expectRefusedAndNothingStored(await tarOf([{ name: "hello.txt", content: "hi" }]), "InvalidArgument", /neither an OCI image layout/);
  });

  it("an OCI layout with a missing blob → InvalidArgument naming it", async () => {
    const files = await fixtureFiles();
    files.delete(`blobs/sha256/${fixture.layerDigest.slice(7)}`);
    await expectRefusedAndNothingStored(await tarOfFiles(files), "InvalidArgument", `layer ${fixture.layerDigest} is missing`);
  });

  it("index.json that is not JSON → InvalidArgument", async () => {
    const files = await fixtureFiles();
    files.set("index.json", Buffer.from("{nope"));
    await expectRefusedAndNothingStored(await tarOfFiles(files), "InvalidArgument", /index.json is not valid JSON/);
  });

  it("an invalid name annotation → InvalidArgument", async () => {
    const l = gzip(await tarOf([{ name: "a", content: "a" }]));
    await expectRefusedAndNothingStored(await ociArchive({ layers: [l], name: "Not Valid" }), "InvalidArgument", /invalid reference format/);
  });

  it("a layer with unsupported compression (bzip2) → InvalidArgument", async () => {
    const bzip2ish = Buffer.concat([Buffer.from("BZh9"), Buffer.alloc(64)]);
    await expectRefusedAndNothingStored(await ociArchive({ layers: [bzip2ish], diffIds: [digestOf("x")], name: "z:1" }), "InvalidArgument", /bzip2/);
  });

  it("a zstd layer whose frame is corrupt → DataCorruption naming the layer", async () => {
    const good = zstd(await tarOf([{ name: "a", content: "a".repeat(5000) }]));
    const bad = Buffer.concat([good.subarray(0, 8), Buffer.alloc(good.length - 8, 0x55)]);
    await expectRefusedAndNothingStored(await ociArchive({ layers: [bad], diffIds: [digestOf("x")], name: "z:1" }), "DataCorruption", /not a valid zstd stream/);
  });
});

describe("zstd layers", () => {
  it("load and unpack like gzip ones (Docker 23+ and BuildKit push them with compression=zstd)", async () => {
    const tar = await tarOf([{ name: "etc/greeting", content: "hello from zstd\n" }]);
    expect(await load(await ociArchive({ layers: [zstd(tar)], diffIds: [digestOf(tar)], name: "zstd/app:1" }))).toEqual(["zstd/app:1"]);
    const image = await store.resolve("zstd/app:1");
    expect(image.layers[0]?.diffId).toBe(digestOf(tar));
    const [fs] = store.layerPaths(image);
    expect(await readFile(join(fs as string, "etc/greeting"), "utf8")).toBe("hello from zstd\n");
  });
});

describe("archive entry names", () => {
  it("never become paths: `../../x` and `/x` entries in the archive land nowhere", async () => {
    const outside = await tempDir("hako-archive-outside-");
    try {
      const l = gzip(await tarOf([{ name: "a", content: "a" }]));
      const { files } = buildOciLayout({ layers: [l], name: "ok:1" });
      const escape = `../../../../../../${outside.path}/escaped`;
      const bytes = await tarOf([
        ...[...files].map(([name, content]) => ({ name, content })),
        { name: escape, content: "x" },
        { name: `${outside.path}/absolute`, content: "x" },
      ]);
      expect(await load(bytes)).toEqual(["ok:1"]);
      expect(await treeOf(outside.path)).toEqual([]);
    } finally {
      await outside.cleanup();
    }
  });
});

describe("OCI layout details", () => {
  it("follows a nested index to the linux/amd64 manifest", async () => {
    const amd = buildOciLayout({ layers: [gzip(await tarOf([{ name: "arch", content: "amd64" }]))] });
    const arm = buildOciLayout({ layers: [gzip(await tarOf([{ name: "arch", content: "arm64" }]))], config: { architecture: "arm64" } });
    const manifestDesc = (b: typeof amd, architecture: string) => ({
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      digest: b.manifestDigest,
      size: b.manifest.length,
      platform: { os: "linux", architecture },
    });
    const nested = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [manifestDesc(arm, "arm64"), manifestDesc(amd, "amd64"), { ...manifestDesc(amd, "unknown"), platform: { os: "unknown", architecture: "unknown" } }],
      }),
    );
    const files = new Map([...arm.files, ...amd.files]);
    files.set(`blobs/sha256/${digestOf(nested).slice(7)}`, nested);
    files.set(
      "index.json",
      Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          manifests: [
            {
              mediaType: "application/vnd.oci.image.index.v1+json",
              digest: digestOf(nested),
              size: nested.length,
              annotations: { "io.containerd.image.name": "docker.io/library/multi:1" },
            },
          ],
        }),
      ),
    );
    expect(await load(await tarOfFiles(files))).toEqual(["multi:1"]);
    const image = await store.resolve("multi:1");
    expect(image.id).toBe(amd.configDigest);
    expect(image.manifestDigest).toBe(amd.manifestDigest);
  });

  it("refuses an index with no linux/amd64 image", async () => {
    const arm = buildOciLayout({ layers: [gzip(await tarOf([{ name: "a", content: "a" }]))] });
    const index = JSON.parse((arm.files.get("index.json") as Buffer).toString());
    index.manifests[0].platform = { os: "linux", architecture: "arm64" };
    arm.files.set("index.json", Buffer.from(JSON.stringify(index)));
    await expectRefusedAndNothingStored(await tarOfFiles(arm.files), "InvalidArgument", /no linux\/amd64 image/);
  });

  it("names come from org.opencontainers.image.ref.name only when it is a whole reference", async () => {
    const built = buildOciLayout({ layers: [gzip(await tarOf([{ name: "a", content: "a" }]))] });
    const index = JSON.parse((built.files.get("index.json") as Buffer).toString());
    index.manifests[0].annotations = { "org.opencontainers.image.ref.name": "latest" };
    built.files.set("index.json", Buffer.from(JSON.stringify(index)));
    expect(await load(await tarOfFiles(built.files))).toEqual([built.configDigest]);
    index.manifests[0].annotations = { "org.opencontainers.image.ref.name": "127.0.0.1:5000/team/bb:v1" };
    built.files.set("index.json", Buffer.from(JSON.stringify(index)));
    expect(await load(await tarOfFiles(built.files))).toEqual(["127.0.0.1:5000/team/bb:v1"]);
  });
});

/** The legacy docker-archive of the fixture with its layer.tar passed through `edit`. */
async function legacyArchiveFiles() {
  const bytes = await readFile(await busyboxDockerArchive("legacy"));
  const { extract } = await import("tar-stream");
  const entries: Array<{ name: string; content: Buffer; type: string }> = [];
  const ex = extract();
  ex.end(bytes);
  for await (const entry of ex) {
    const chunks: Buffer[] = [];
    for await (const c of entry) chunks.push(c as Buffer);
    entries.push({ name: entry.header.name, content: Buffer.concat(chunks), type: entry.header.type });
  }
  return {
    tarOfDockerArchive: (edit: (layer: Buffer) => void) =>
      tarOf(
        entries.map((e) => {
          if (e.name.endsWith("layer.tar")) edit(e.content);
          return e.type === "directory" ? { name: e.name, type: "directory" as const } : { name: e.name, content: e.content };
        }),
      ),
  };
}
