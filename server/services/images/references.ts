/** Image references as the engine names them in RepoTags and events (`busybox:1.38`, `127.0.0.1:5000/team/bb:v1`). */
import { ServiceError } from "../errors";

export interface TagRef {
  repository: string;
  tag: string;
}

const REPOSITORY = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*(?::\d{1,5})?(?:\/[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*)*$/;
const TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** `repo:tag` → parts; a name without a tag is `:latest`; digests and image IDs are not tags (null). */
export function splitReference(reference: string): TagRef | null {
  if (reference.includes("@") || reference.startsWith("sha256:") || reference === "<none>:<none>") return null;
  const colon = reference.lastIndexOf(":");
  const slash = reference.lastIndexOf("/");
  if (colon > slash) return { repository: reference.slice(0, colon), tag: reference.slice(colon + 1) };
  return { repository: reference, tag: "latest" };
}

/** A reference typed by a user, checked: lower-case repository, optional registry host and tag. */
export function parseTagRef(reference: string): TagRef {
  const ref = splitReference(reference.trim());
  if (!ref || !REPOSITORY.test(ref.repository) || !TAG.test(ref.tag)) {
    throw new ServiceError("InvalidArgument", `${JSON.stringify(reference)} is not a valid image reference; use name[:tag], e.g. 127.0.0.1:5000/team/app:v1 (lower-case name).`);
  }
  return ref;
}

export function refString(ref: TagRef): string {
  return `${ref.repository}:${ref.tag}`;
}
