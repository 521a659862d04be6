/**
 * Reading a docker-archive (what `docker save` writes) from a spooled archive.
 *
 * manifest.json lists the images: `[{"Config": path, "RepoTags": ["busybox:latest"], "Layers": [path, …]}]`. Two
 * layouts exist:
 * - legacy (Docker ≤ 24): `<hex>.json` (the config, named by its digest) and `<layer id>/layer.tar` (uncompressed
 *   layers, named by an ID that is not a digest; repeated layers are symlinks to the first);
 * - Docker 25+: config and layers under `blobs/sha256/<hex>`, next to an OCI `index.json` (archive-load.ts prefers
 *   that when present).
 * A docker-archive carries no registry manifest, so one is synthesised (Docker v2 schema 2, deterministic, so reloading
 * gives the same manifest digest). Layers not named by a digest are verified through the config's diff IDs.
 */
import { open } from "node:fs/promises";
import { invalidArgument } from "../errors.js";
import { digestOf, isDigest } from "../store/digest.js";
import type { ImageImport, StagedBlob } from "../store/image-import.js";
import { formatReference, parseReference } from "../store/reference.js";
import type { SpooledArchive, SpooledFile } from "./archive-spool.js";
import { DOCKER_CONFIG, DOCKER_LAYER_GZIP, DOCKER_LAYER_TAR, DOCKER_MANIFEST } from "./media-types.js";
import { parseConfig, stagedFromBytes, stagedFromEntry, verifyEntry } from "./staging.js";

interface ManifestEntry {
  Config?: string;
  RepoTags?: string[] | null;
  Layers?: string[];
}

export function isDockerArchive(spool: SpooledArchive): boolean {
  return spool.has("manifest.json");
}

export async function readDockerArchive(spool: SpooledArchive): Promise<ImageImport[]> {
  const entries = await spool.json<ManifestEntry[]>("manifest.json");
  if (!Array.isArray(entries) || entries.length === 0) throw invalidArgument("invalid archive: manifest.json lists no images");
  const images: ImageImport[] = [];
  for (const item of entries) images.push(await readImage(spool, item));
  return images;
}

/** Names of manifest.json's images by config digest (used to name images of an OCI index that carries none). */
export async function repoTagsByConfig(spool: SpooledArchive): Promise<Map<string, string[]>> {
  const out = new Map<string, string[]>();
  if (!isDockerArchive(spool)) return out;
  const entries = await spool.json<ManifestEntry[]>("manifest.json");
  for (const item of Array.isArray(entries) ? entries : []) {
    const digest = item.Config !== undefined ? digestInName(item.Config) : undefined;
    if (digest) out.set(digest, namesOf(item));
  }
  return out;
}

async function readImage(spool: SpooledArchive, item: ManifestEntry): Promise<ImageImport> {
  if (typeof item.Config !== "string" || !Array.isArray(item.Layers) || item.Layers.length === 0) {
    throw invalidArgument("invalid archive: a manifest.json entry has no Config or Layers");
  }
  const configEntry = entryAt(spool, item.Config, "config");
  const configDigest = digestInName(item.Config) ?? configEntry.digest;
  verifyEntry(configEntry, configDigest, undefined, "config");
  const configBytes = await spool.readSmall(configEntry, `config ${configDigest}`);
  const { config, diffIds } = parseConfig(configBytes, configDigest, item.Layers.length);

  const layers: StagedBlob[] = [];
  for (const [i, path] of item.Layers.entries()) {
    const entry = entryAt(spool, path, "layer");
    const named = digestInName(path);
    const compressed = await isGzip(entry);
    if (named) verifyEntry(entry, named, undefined, "layer");
    // An uncompressed layer's digest is its diff ID: check it now rather than after unpacking.
    else if (!compressed) verifyEntry(entry, diffIds[i] as string, undefined, `layer ${path}, diff ID`);
    layers.push(stagedFromEntry(spool, entry, named ?? entry.digest, compressed ? DOCKER_LAYER_GZIP : DOCKER_LAYER_TAR));
  }

  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: DOCKER_MANIFEST,
      config: { mediaType: DOCKER_CONFIG, size: configEntry.size, digest: configDigest },
      layers: layers.map((l) => ({ mediaType: l.mediaType, size: l.size, digest: l.digest })),
    }),
  );
  return {
    names: namesOf(item),
    manifest: stagedFromBytes(manifest, digestOf(manifest), DOCKER_MANIFEST),
    config: stagedFromEntry(spool, configEntry, configDigest, DOCKER_CONFIG),
    imageConfig: config,
    layers,
    diffIds,
  };
}

function entryAt(spool: SpooledArchive, path: string, role: string): SpooledFile {
  const entry = spool.get(path);
  if (!entry) throw invalidArgument(`invalid archive: ${role} ${path} listed in manifest.json is missing`);
  return entry;
}

/** `blobs/sha256/<hex>` and `<hex>.json` carry the digest of their content in the name. */
function digestInName(path: string): string | undefined {
  const m = /(?:^|\/)(?:blobs\/sha256\/)?([a-f0-9]{64})(?:\.json)?$/.exec(path);
  const digest = m ? `sha256:${m[1]}` : undefined;
  // `<layer id>/layer.tar` has a 64-hex directory, not a digest: only the last component counts.
  return digest && isDigest(digest) ? digest : undefined;
}

function namesOf(item: ManifestEntry): string[] {
  return (item.RepoTags ?? []).map((tag) => {
    const ref = parseReference(tag);
    if (ref.tag === undefined) throw invalidArgument(`invalid archive: RepoTags entry ${tag} has no tag`);
    return formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag });
  });
}

async function isGzip(entry: SpooledFile): Promise<boolean> {
  const fh = await open(entry.file, "r");
  try {
    const head = Buffer.alloc(2);
    const { bytesRead } = await fh.read(head, 0, 2, 0);
    return bytesRead === 2 && head[0] === 0x1f && head[1] === 0x8b;
  } finally {
    await fh.close();
  }
}
