/**
 * Building OCI image layouts in tests from layer blobs: config, manifest and index with correct digests, as a map of
 * archive paths to bytes that a test may tamper with before packing it (tarOfFiles).
 */
import { execFileSync } from "node:child_process";
import { gunzipSync } from "node:zlib";
import { digestOf } from "../store/digest.js";
import type { ImageConfig } from "../store/image-store.js";
import { tarOf } from "./tar-build.js";

export interface OciImageSpec {
  /** layer blobs as stored: gzip-compressed or plain tar, bottom first */
  layers: Buffer[];
  /** diff IDs for the config; computed from the layers when omitted */
  diffIds?: string[];
  /** written as the `io.containerd.image.name` and `org.opencontainers.image.ref.name` annotations */
  name?: string;
  /** merged into the generated config */
  config?: Partial<ImageConfig>;
}

export interface BuiltOci {
  /** archive path → content: `oci-layout`, `index.json`, `blobs/sha256/<hex>` */
  files: Map<string, Buffer>;
  configDigest: string;
  manifestDigest: string;
  layerDigests: string[];
  diffIds: string[];
  manifest: Buffer;
  config: Buffer;
}

export function uncompressed(blob: Buffer): Buffer {
  if (blob[0] === 0x1f && blob[1] === 0x8b) return gunzipSync(blob);
  // a well-formed zstd frame (a test's deliberately broken one stays as it is)
  if (blob.length >= 4 && blob.readUInt32BE(0) === 0x28b52ffd) {
    try {
      return execFileSync("zstd", ["-d", "-c", "-q"], { input: blob, maxBuffer: 1 << 30, stdio: ["pipe", "pipe", "ignore"] });
    } catch {
      return blob;
    }
  }
  return blob;
}

export function buildOciLayout(spec: OciImageSpec): BuiltOci {
  const files = new Map<string, Buffer>();
  const put = (bytes: Buffer) => {
    const digest = digestOf(bytes);
    files.set(`blobs/sha256/${digest.slice(7)}`, bytes);
    return digest;
  };
  const diffIds = spec.diffIds ?? spec.layers.map((l) => digestOf(uncompressed(l)));
  const layerDigests = spec.layers.map(put);
  const config = Buffer.from(
    JSON.stringify({
      architecture: "amd64",
      os: "linux",
      created: "2026-01-01T00:00:00Z",
      config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
      ...spec.config,
      rootfs: { type: "layers", diff_ids: diffIds },
    }),
  );
  const configDigest = put(config);
  const manifest = Buffer.from(
    JSON.stringify({
      schemaVersion: 2,
      mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: { mediaType: "application/vnd.oci.image.config.v1+json", digest: configDigest, size: config.length },
      layers: spec.layers.map((l, i) => ({
        mediaType: l[0] === 0x1f ? "application/vnd.oci.image.layer.v1.tar+gzip"
          : l[0] === 0x28 ? "application/vnd.oci.image.layer.v1.tar+zstd" : "application/vnd.oci.image.layer.v1.tar",
        digest: layerDigests[i],
        size: l.length,
      })),
    }),
  );
  const manifestDigest = put(manifest);
  const annotations = spec.name
    ? { "io.containerd.image.name": spec.name, "org.opencontainers.image.ref.name": spec.name }
    : undefined;
  const index = {
    schemaVersion: 2,
    mediaType: "application/vnd.oci.image.index.v1+json",
    manifests: [
      {
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        digest: manifestDigest,
        size: manifest.length,
        platform: { architecture: "amd64", os: "linux" },
        ...(annotations ? { annotations } : {}),
      },
    ],
  };
  files.set("oci-layout", Buffer.from(JSON.stringify({ imageLayoutVersion: "1.0.0" })));
  files.set("index.json", Buffer.from(JSON.stringify(index)));
  return { files, configDigest, manifestDigest, layerDigests, diffIds, manifest, config };
}

/** Packs archive paths → bytes into a tar (directories implied). */
export function tarOfFiles(files: Map<string, Buffer>): Promise<Buffer> {
  return tarOf([...files].map(([name, content]) => ({ name, content })));
}

/** An OCI layout archive of `spec`, ready for `load`. */
export async function ociArchive(spec: OciImageSpec): Promise<Buffer> {
  return tarOfFiles(buildOciLayout(spec).files);
}
