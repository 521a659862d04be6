/**
 * Reading an OCI image layout (image-layout.md) from a spooled archive: `oci-layout`, `index.json`, `blobs/sha256/…`.
 *
 * Each descriptor of index.json is one image to load. It may point at a manifest or at a (nested) index, from which
 * the linux/amd64 manifest is picked. Names come from the descriptor's annotations: `io.containerd.image.name`
 * (what containerd and Docker 25+ write), else `org.opencontainers.image.ref.name` when it is a whole reference with a
 * tag (`busybox:1.38.0-glibc`; a bare tag like `latest` names nothing); otherwise the image loads untagged.
 */
import { dataCorruption, invalidArgument } from "../errors.js";
import { formatReference, parseNamed, parseReference } from "../store/reference.js";
import type { ImageImport } from "../store/image-import.js";
import { parseJson, type SpooledArchive } from "./archive-spool.js";
import { HOST_PLATFORM, isConfig, isIndex, isManifest } from "./media-types.js";
import { blobEntry, parseConfig, stagedFromEntry, type Descriptor } from "./staging.js";

const CONTAINERD_NAME = "io.containerd.image.name";
const OCI_REF_NAME = "org.opencontainers.image.ref.name";
const MAX_INDEX_DEPTH = 4;

interface Index {
  schemaVersion?: number;
  mediaType?: string;
  manifests?: Descriptor[];
}

interface Manifest {
  schemaVersion?: number;
  mediaType?: string;
  config?: Descriptor;
  layers?: Descriptor[];
}

export function isOciLayout(spool: SpooledArchive): boolean {
  return spool.has("oci-layout") && spool.has("index.json");
}

export async function readOciLayout(spool: SpooledArchive): Promise<ImageImport[]> {
  const layout = await spool.json<{ imageLayoutVersion?: string }>("oci-layout");
  if (typeof layout?.imageLayoutVersion !== "string" || !layout.imageLayoutVersion.startsWith("1.")) {
    throw invalidArgument(`invalid archive: unsupported OCI layout version ${JSON.stringify(layout?.imageLayoutVersion)}`);
  }
  const index = await spool.json<Index>("index.json");
  if (!Array.isArray(index?.manifests)) throw invalidArgument("invalid archive: index.json has no manifests");

  const images = new Map<string, ImageImport>();
  for (const desc of index.manifests) {
    if (!matchesHost(desc)) continue;
    const manifestDesc = await pickManifest(spool, desc, 0);
    if (!manifestDesc) continue;
    const image = images.get(manifestDesc.digest) ?? (await readImage(spool, manifestDesc));
    for (const name of namesOf(desc)) if (!image.names.includes(name)) image.names.push(name);
    images.set(manifestDesc.digest, image);
  }
  if (images.size === 0) {
    throw invalidArgument(`invalid archive: no ${HOST_PLATFORM.os}/${HOST_PLATFORM.architecture} image in index.json`);
  }
  return [...images.values()];
}

/** Follows indexes down to the host's manifest; null when there is none. */
async function pickManifest(spool: SpooledArchive, desc: Descriptor, depth: number): Promise<Descriptor | null> {
  if (isManifest(desc.mediaType)) return desc;
  if (!isIndex(desc.mediaType)) return null; // artifacts, attestations …: not images
  if (depth >= MAX_INDEX_DEPTH) throw invalidArgument("invalid archive: indexes nested too deeply");
  const entry = blobEntry(spool, desc, "index");
  const index = parseJson<Index>(await spool.readSmall(entry, `index ${desc.digest}`), `index ${desc.digest}`);
  for (const child of index.manifests ?? []) {
    if (!child.platform || !matchesHost(child)) continue;
    const found = await pickManifest(spool, child, depth + 1);
    if (found) return found;
  }
  return null;
}

async function readImage(spool: SpooledArchive, desc: Descriptor): Promise<ImageImport> {
  const manifestEntry = blobEntry(spool, desc, "manifest");
  const what = `manifest ${desc.digest}`;
  const manifest = parseJson<Manifest>(await spool.readSmall(manifestEntry, what), what);
  if (!manifest.config || !Array.isArray(manifest.layers)) {
    throw invalidArgument(`invalid archive: manifest ${desc.digest} has no config or layers`);
  }
  if (manifest.layers.length === 0) throw dataCorruption(`manifest ${desc.digest} has no layers`);
  if (!isConfig(manifest.config.mediaType)) {
    throw invalidArgument(`invalid archive: manifest ${desc.digest} is not an image (config ${manifest.config.mediaType})`);
  }
  const configEntry = blobEntry(spool, manifest.config, "config");
  const configBytes = await spool.readSmall(configEntry, `config ${manifest.config.digest}`);
  const { config, diffIds } = parseConfig(configBytes, manifest.config.digest, manifest.layers.length);
  const layers = manifest.layers.map((layer) => {
    const entry = blobEntry(spool, layer, "layer");
    return stagedFromEntry(spool, entry, layer.digest, layer.mediaType ?? "");
  });
  return {
    names: [],
    manifest: stagedFromEntry(spool, manifestEntry, desc.digest, desc.mediaType ?? ""),
    config: stagedFromEntry(spool, configEntry, manifest.config.digest, manifest.config.mediaType ?? ""),
    imageConfig: config,
    layers,
    diffIds,
  };
}

function matchesHost(desc: Descriptor): boolean {
  const p = desc.platform;
  return !p || (p.os === HOST_PLATFORM.os && p.architecture === HOST_PLATFORM.architecture);
}

function namesOf(desc: Descriptor): string[] {
  const annotations = desc.annotations ?? {};
  const full = annotations[CONTAINERD_NAME];
  if (full !== undefined) return [formatReference(tagged(full))];
  const refName = annotations[OCI_REF_NAME];
  if (refName !== undefined) {
    const ref = tryParse(refName);
    if (ref?.tag !== undefined) return [formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag })];
  }
  return [];
}

function tagged(name: string) {
  const ref = parseReference(name);
  if (ref.tag === undefined) throw invalidArgument(`invalid archive: image name ${name} has no tag`);
  return { domain: ref.domain, path: ref.path, tag: ref.tag };
}

function tryParse(name: string) {
  try {
    return parseNamed(name);
  } catch {
    return null;
  }
}
