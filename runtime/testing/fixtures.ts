/**
 * Test fixtures: "a busybox OCI layout", "a busybox OCI layout tar", "a busybox docker-archive tar".
 *
 * The real image is the busybox OCI layout in $HAKO_FIXTURES/images/busybox-glibc-oci (default: ../shared next to the
 * repository), read in place, never copied into the repository. Where it is absent, an equivalent image is built from
 * Debian's busybox-static (/bin/busybox, `apt-get install busybox-static`): a rootfs with `busybox --install -s`, one
 * gzip layer, config/manifest/index with correct digests, named like the real one so tests need not care. Which one a
 * test got is printed once per process.
 *
 * Built files are cached under $TMPDIR/hako-fixtures/, keyed by content, and published by rename so parallel test
 * workers share them safely.
 */
import { spawnSync } from "node:child_process";
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { chmod, copyFile, mkdir, readFile, readlink, readdir, rename, rm, symlink, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { gunzipSync, gzipSync } from "node:zlib";
import { digestOf } from "../store/digest.js";
import { buildOciLayout } from "./oci-builder.js";
import { tarOf, type TarEntry } from "./tar-build.js";

export interface BusyboxFixture {
  /** the OCI image layout directory */
  dir: string;
  /** the name the image loads as (familiar form) */
  name: string;
  /** the image ID (config digest) */
  imageId: string;
  manifestDigest: string;
  layerDigest: string;
  diffId: string;
  /** "shared": the real upstream image; "built": made here from Debian's busybox-static */
  source: "shared" | "built";
}

export type DockerArchiveLayout = "legacy" | "docker25" | "docker25-without-index";

const REPO_ROOT = resolve(dirname(fileURLToPath(import.meta.url)), "..", "..");
const NAME = "busybox:1.38.0-glibc";
/** Part of every cache key: bump it when a builder below changes what it writes. */
const BUILDER_VERSION = "v1";
let announced = false;

/** $HAKO_FIXTURES, default ../shared beside the repository. */
export function fixturesRoot(): string {
  return process.env.HAKO_FIXTURES ?? resolve(REPO_ROOT, "..", "shared");
}

export function cacheDir(): string {
  return join(tmpdir(), "hako-fixtures");
}

export async function busyboxOciLayout(): Promise<BusyboxFixture> {
  const shared = join(fixturesRoot(), "images", "busybox-glibc-oci");
  const fixture = existsSync(join(shared, "index.json")) ? await describe(shared, "shared") : await builtBusybox();
  if (!announced) {
    announced = true;
    console.info(`[fixtures] busybox OCI layout: ${fixture.dir} (${fixture.source === "shared" ? "real upstream image" : "built from Debian busybox-static"})`);
  }
  return fixture;
}

/** `tar -C <layout> -cf busybox.tar .`, as in the README. */
export async function busyboxOciArchive(): Promise<string> {
  const fixture = await busyboxOciLayout();
  return cached(`busybox-oci-${BUILDER_VERSION}-${fixture.manifestDigest.slice(7, 23)}.tar`, async (out) => {
    run("tar", ["-C", fixture.dir, "-cf", out, "."]);
  });
}

/** The same image as `docker save` writes it: legacy (≤ 24) or Docker 25+ layout. */
export async function busyboxDockerArchive(layout: DockerArchiveLayout): Promise<string> {
  const fixture = await busyboxOciLayout();
  return cached(`busybox-${layout}-${BUILDER_VERSION}-${fixture.manifestDigest.slice(7, 23)}.tar`, async (out) => {
    await writeFile(out, await dockerArchiveOf(fixture, layout));
  });
}

async function dockerArchiveOf(f: BusyboxFixture, layout: DockerArchiveLayout): Promise<Buffer> {
  const config = await readFile(blob(f.dir, f.imageId));
  const layerTar = gunzipSync(await readFile(blob(f.dir, f.layerDigest)));
  const hex = (d: string) => d.slice(7);
  const repositories = JSON.stringify({ busybox: { "1.38.0-glibc": hex(f.diffId) } });
  const entries: TarEntry[] = [];
  if (layout === "legacy") {
    const id = hex(f.diffId);
    entries.push(
      { name: `${id}/`, type: "directory" },
      { name: `${id}/VERSION`, content: "1.0" },
      { name: `${id}/json`, content: JSON.stringify({ id, created: "2026-01-01T00:00:00Z" }) },
      { name: `${id}/layer.tar`, content: layerTar },
      { name: `${hex(f.imageId)}.json`, content: config },
      { name: "manifest.json", content: JSON.stringify([{ Config: `${hex(f.imageId)}.json`, RepoTags: [f.name], Layers: [`${id}/layer.tar`] }]) },
      { name: "repositories", content: repositories },
    );
  } else {
    // Docker 25+: blobs/sha256 (layers uncompressed), manifest.json, and an OCI index over the same blobs.
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: f.imageId, size: config.length },
        layers: [{ mediaType: "application/vnd.oci.image.layer.v1.tar", digest: f.diffId, size: layerTar.length }],
      }),
    );
    const manifestDigest = digestOf(manifest);
    entries.push(
      { name: "blobs/", type: "directory" },
      { name: "blobs/sha256/", type: "directory" },
      { name: `blobs/sha256/${hex(f.imageId)}`, content: config },
      { name: `blobs/sha256/${hex(f.diffId)}`, content: layerTar },
      { name: `blobs/sha256/${hex(manifestDigest)}`, content: manifest },
      { name: "manifest.json", content: JSON.stringify([{ Config: `blobs/sha256/${hex(f.imageId)}`, RepoTags: [f.name], Layers: [`blobs/sha256/${hex(f.diffId)}`] }]) },
      { name: "repositories", content: repositories },
    );
    if (layout === "docker25") {
      const index = {
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.index.v1+json",
        manifests: [
          {
            mediaType: "application/vnd.oci.image.manifest.v1+json",
            digest: manifestDigest,
            size: manifest.length,
            annotations: {
              "io.containerd.image.name": `docker.io/library/${f.name}`,
              "org.opencontainers.image.ref.name": f.name.split(":")[1],
            },
          },
        ],
      };
      entries.push(
        { name: "index.json", content: JSON.stringify(index) },
        { name: "oci-layout", content: JSON.stringify({ imageLayoutVersion: "1.0.0" }) },
      );
    }
  }
  return tarOf(entries);
}

async function describe(dir: string, source: BusyboxFixture["source"]): Promise<BusyboxFixture> {
  const index = JSON.parse(await readFile(join(dir, "index.json"), "utf8"));
  const desc = index.manifests[0];
  const manifest = JSON.parse(await readFile(blob(dir, desc.digest), "utf8"));
  const config = JSON.parse(await readFile(blob(dir, manifest.config.digest), "utf8"));
  return {
    dir,
    name: desc.annotations?.["io.containerd.image.name"] ?? NAME,
    imageId: manifest.config.digest,
    manifestDigest: desc.digest,
    layerDigest: manifest.layers[0].digest,
    diffId: config.rootfs.diff_ids[0],
    source,
  };
}

/** An OCI layout of Debian's busybox-static, built once per machine (cached by the binary's digest). */
async function builtBusybox(): Promise<BusyboxFixture> {
  const busybox = "/bin/busybox";
  if (!existsSync(busybox)) {
    throw new Error(`no fixtures at ${fixturesRoot()} and no ${busybox}: apt-get install busybox-static`);
  }
  const key = digestOf(await readFile(busybox)).slice(7, 23);
  const dir = join(cacheDir(), `busybox-built-${BUILDER_VERSION}-${key}`);
  if (!existsSync(join(dir, "index.json"))) {
    await publish(dir, async (work) => {
      const rootfs = join(work, "rootfs");
      for (const d of ["bin", "etc", "tmp", "root", "proc", "sys", "dev"]) await mkdir(join(rootfs, d), { recursive: true });
      await chmod(join(rootfs, "tmp"), 0o1777);
      await copyFile(busybox, join(rootfs, "bin", "busybox"));
      await chmod(join(rootfs, "bin", "busybox"), 0o755);
      await installApplets(rootfs);
      await writeFile(join(rootfs, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n");
      await writeFile(join(rootfs, "etc", "group"), "root:x:0:\nnogroup:x:65534:\n");
      const layerTar = join(work, "layer.tar");
      run("tar", ["--sort=name", "--mtime=@1700000000", "--owner=0", "--group=0", "--numeric-owner", "-C", rootfs, "-cf", layerTar, "."]);
      const layer = gzipSync(await readFile(layerTar));
      const oci = buildOciLayout({
        layers: [layer],
        name: NAME,
        config: { history: [{ created: "2026-01-01T00:00:00Z", created_by: "Debian busybox-static, built by runtime/testing/fixtures.ts" }] },
      });
      const out = join(work, "layout");
      await mkdir(join(out, "blobs", "sha256"), { recursive: true });
      for (const [path, content] of oci.files) await writeFile(join(out, path), content);
      await rm(rootfs, { recursive: true, force: true });
      await rm(layerTar);
      return out;
    });
  }
  return describe(dir, "built");
}

/** `busybox --install -s` with links that resolve inside the rootfs (chroot when root, else relinked). */
async function installApplets(rootfs: string): Promise<void> {
  const chrooted = process.getuid?.() === 0 && spawnSync("chroot", [rootfs, "/bin/busybox", "--install", "-s", "/bin"]).status === 0;
  if (chrooted) return;
  run(join(rootfs, "bin", "busybox"), ["--install", "-s", join(rootfs, "bin")]);
  for (const name of await readdir(join(rootfs, "bin"))) {
    const path = join(rootfs, "bin", name);
    if (name === "busybox") continue;
    if ((await readlink(path).catch(() => null)) === null) continue;
    await rm(path);
    await symlink("/bin/busybox", path);
  }
}

function blob(dir: string, digest: string): string {
  return join(dir, "blobs", "sha256", digest.slice(7));
}

/** A file in the cache, made by `make(tempPath)` on first use. */
async function cached(name: string, make: (out: string) => Promise<void>): Promise<string> {
  const path = join(cacheDir(), name);
  if (existsSync(path)) return path;
  await mkdir(cacheDir(), { recursive: true });
  const tmp = `${path}.tmp-${randomBytes(6).toString("hex")}`;
  await make(tmp);
  await rename(tmp, path);
  return path;
}

/** Builds a directory in a scratch dir and renames it into place; a concurrent builder's result wins. */
async function publish(dir: string, build: (work: string) => Promise<string>): Promise<void> {
  const work = join(cacheDir(), `.build-${randomBytes(6).toString("hex")}`);
  await mkdir(work, { recursive: true });
  try {
    const out = await build(work);
    await rename(out, dir).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOTEMPTY" && err.code !== "EEXIST") throw err;
    });
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr || r.error?.message}`);
}
