/**
 * Finding the image a user means, in Docker's order: a full image ID; a reference (`busybox`, `busybox:1.38.0-glibc`,
 * `busybox@sha256:<manifest digest>`); then a short ID (≥ 4 hex digits, optionally after `sha256:`) that matches
 * exactly one image. `abcd` is therefore first the repository `abcd:latest`, then an ID prefix, as in Docker.
 */
import { notFound } from "../errors.js";
import type { ImageRecords } from "./image-record.js";
import { formatReference, parseNamed, repositoryName, type Reference } from "./reference.js";
import type { ReferenceStore } from "./refs.js";

export interface Lookup {
  imageId: string;
  /** how `ref` named the image: by ID (full or short) or by a reference */
  by: "id" | "reference";
  /** the parsed reference, when by reference */
  reference?: Reference;
}

const FULL_ID = /^(?:sha256:)?([a-f0-9]{64})$/;
const SHORT_ID = /^(?:sha256:)?([a-f0-9]{4,63})$/;

export function lookupImage(ref: string, refs: ReferenceStore, records: ImageRecords): Lookup {
  const full = FULL_ID.exec(ref);
  if (full) {
    const imageId = `sha256:${full[1]}`;
    if (records.get(imageId)) return { imageId, by: "id" };
    throw notFound(`No such image: ${ref}`);
  }
  let reference: Reference | undefined;
  let parseError: unknown;
  try {
    reference = parseNamed(ref);
  } catch (err) {
    parseError = err;
  }
  if (reference) {
    const imageId = byReference(reference, refs, records);
    if (imageId) return { imageId, by: "reference", reference };
  }
  const short = SHORT_ID.exec(ref);
  if (short) {
    const matches = records.all().filter((r) => r.id.startsWith(`sha256:${short[1]}`));
    if (matches.length === 1) return { imageId: (matches[0] as { id: string }).id, by: "id" };
  }
  if (!reference && parseError) throw parseError;
  throw notFound(`No such image: ${ref}`);
}

function byReference(reference: Reference, refs: ReferenceStore, records: ImageRecords): string | undefined {
  if (reference.digest !== undefined) {
    // name@digest: an image with that manifest digest that is tagged in that repository.
    const repo = repositoryName(reference);
    for (const [name, target] of refs.entries()) {
      if (target.manifestDigest !== reference.digest) continue;
      const tagged = parseNamed(name);
      if (repositoryName(tagged) === repo && records.get(target.imageId)) return target.imageId;
    }
    return undefined;
  }
  const name = formatReference({ ...reference, tag: reference.tag ?? "latest" });
  const imageId = refs.get(name)?.imageId;
  return imageId && records.get(imageId) ? imageId : undefined;
}
