/**
 * Digests: the names of content. A digest is "sha256:<64 lowercase hex>", the SHA-256 of the bytes it names.
 *
 * Only sha256 is accepted: it is what every image hakod meets uses, and accepting anything looser (upper case,
 * short hex, other algorithms) would let two spellings name one blob.
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream } from "node:fs";
import { invalidArgument } from "../errors.js";

const DIGEST = /^sha256:[a-f0-9]{64}$/;

export function isDigest(value: string): boolean {
  return DIGEST.test(value);
}

/** Returns `value` when it is a well-formed digest; InvalidArgument otherwise. */
export function parseDigest(value: unknown, what = "digest"): string {
  if (typeof value !== "string" || !DIGEST.test(value)) {
    throw invalidArgument(`invalid ${what}: ${JSON.stringify(value)} is not a sha256 digest (sha256:<64 hex>)`);
  }
  return value;
}

/** The 64 hex digits of a digest. */
export function hexOf(digest: string): string {
  return digest.slice("sha256:".length);
}

/** The first 12 hex digits, as Docker prints IDs. */
export function shortId(digest: string): string {
  return (digest.startsWith("sha256:") ? hexOf(digest) : digest).slice(0, 12);
}

export function sha256Hasher(): Hash {
  return createHash("sha256");
}

export function digestOfHash(hash: Hash): string {
  return `sha256:${hash.digest("hex")}`;
}

export function digestOf(data: string | Uint8Array): string {
  return `sha256:${createHash("sha256").update(data).digest("hex")}`;
}

/** Digest and size of a file, read as a stream. */
export async function digestOfFile(path: string): Promise<{ digest: string; size: number }> {
  const hash = createHash("sha256");
  let size = 0;
  for await (const chunk of createReadStream(path)) {
    hash.update(chunk as Buffer);
    size += (chunk as Buffer).length;
  }
  return { digest: `sha256:${hash.digest("hex")}`, size };
}
