/**
 * Turning spooled archive entries into verified {@link StagedBlob}s: every blob the archive names by digest is checked
 * against that digest (and size) here, before the store is touched, so a corrupt archive is refused while nothing
 * has been stored yet. The store checks again as it writes (content-store.ts).
 */
import { Readable } from "node:stream";
import { dataCorruption, invalidArgument } from "../errors.js";
import { parseDigest } from "../store/digest.js";
import type { ImageConfig } from "../store/image-store.js";
import type { StagedBlob } from "../store/image-import.js";
import { parseJson, type SpooledArchive, type SpooledFile } from "./archive-spool.js";

export interface Descriptor {
  mediaType?: string;
  digest: string;
  size?: number;
  platform?: { os?: string; architecture?: string; variant?: string };
  annotations?: Record<string, string>;
}

/** Checks a spooled entry against what the archive says it is. */
export function verifyEntry(entry: SpooledFile, digest: string, size: number | undefined, role: string): void {
  if (entry.digest !== digest) {
    throw dataCorruption(`digest mismatch for ${role} ${digest}: the content hashes to ${entry.digest}`);
  }
  if (size !== undefined && entry.size !== size) {
    throw dataCorruption(`size mismatch for ${role} ${digest}: expected ${size} bytes, got ${entry.size}`);
  }
}

/** The blob `blobs/sha256/<hex>` of an OCI layout (or a Docker 25+ archive), verified. */
export function blobEntry(spool: SpooledArchive, desc: Descriptor, role: string): SpooledFile {
  const digest = parseDigest(desc.digest, `${role} digest`);
  const entry = spool.get(`blobs/sha256/${digest.slice("sha256:".length)}`);
  if (!entry) throw invalidArgument(`invalid archive: ${role} ${digest} is missing`);
  verifyEntry(entry, digest, desc.size, role);
  return entry;
}

export function stagedFromEntry(spool: SpooledArchive, entry: SpooledFile, digest: string, mediaType: string): StagedBlob {
  return { digest, mediaType, size: entry.size, open: () => spool.open(entry) };
}

export function stagedFromBytes(bytes: Buffer, digest: string, mediaType: string): StagedBlob {
  return { digest, mediaType, size: bytes.length, open: () => Readable.from([bytes]) };
}

/** Parses a (verified) config blob and checks it describes `layerCount` layers. */
export function parseConfig(bytes: Buffer, digest: string, layerCount: number): { config: ImageConfig; diffIds: string[] } {
  const config = parseJson<ImageConfig>(bytes, `config ${digest}`);
  if (typeof config !== "object" || config === null) throw invalidArgument(`invalid archive: config ${digest} is not an object`);
  const diffIds = config.rootfs?.diff_ids;
  if (!Array.isArray(diffIds)) throw invalidArgument(`invalid archive: config ${digest} has no rootfs.diff_ids`);
  for (const d of diffIds) parseDigest(d, `diff ID in config ${digest}`);
  if (diffIds.length !== layerCount) {
    throw dataCorruption(`config ${digest} lists ${diffIds.length} diff IDs for ${layerCount} layers`);
  }
  return { config, diffIds };
}
