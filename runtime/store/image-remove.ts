/**
 * `docker rmi`, with the rules of Docker's daemon (daemon/images/image_delete.go):
 *
 * - By reference (`busybox:1.38.0-glibc`): that tag is removed. If it was the image's only tag and a container uses
 *   the image, that is a Conflict unless forced (the image would be left dangling). When no tag remains and no
 *   container uses the image, the image is deleted.
 * - By ID (full or short): with exactly one tag, the tag goes and the image is deleted; with several tags, Conflict
 *   ("referenced in multiple repositories") unless forced, which untags all and deletes.
 * - A running container's image is never deleted ("cannot be forced"); a stopped container's image needs force.
 *   Forced, hakod untags it but keeps its data while the container exists (its layers are the container's
 *   lowerdirs; Docker's layer store keeps them alive the same way), so it shows as an untagged image until then.
 * Deleting removes the record, then the blobs and snapshots no other image uses.
 */
import { conflict } from "../errors.js";
import { shortId } from "./digest.js";
import { removeUnreferenced, referenced } from "./garbage.js";
import { lookupImage } from "./image-lookup.js";
import type { ImageUser, RemoveResult } from "./image-store.js";
import { familiarize, formatReference, parseNamed, repositoryName } from "./reference.js";
import type { StoreParts } from "./store-parts.js";


export async function removeImage(
  parts: StoreParts,
  ref: string,
  opts: { force: boolean },
  userOf: (imageId: string) => ImageUser | undefined,
): Promise<RemoveResult> {
  const found = lookupImage(ref, parts.refs, parts.records);
  const id = found.imageId;
  const user = userOf(id);
  const result: RemoveResult = { untagged: [], deleted: [] };
  const untag = async (names: string[], shown?: string) => {
    if (names.length === 0) return;
    await parts.refs.update([], names);
    result.untagged.push(...(shown !== undefined ? [shown] : names.map(familiarize)));
  };

  if (found.by === "reference" && found.reference) {
    const names = parts.refs.namesOf(id);
    if (!opts.force && names.length === 1 && user) {
      throw conflict(
        `conflict: unable to remove repository reference ${JSON.stringify(ref)} (must force) - container ` +
          `${shortId(user.containerId)} is using its referenced image ${shortId(id)}`,
      );
    }
    const reference = found.reference;
    if (reference.digest !== undefined) {
      // name@digest: every tag of that repository pointing at the image goes.
      const repo = repositoryName(reference);
      await untag(names.filter((n) => repositoryName(parseNamed(n)) === repo), familiarize(formatReference(reference)));
    } else {
      await untag([formatReference({ ...reference, tag: reference.tag ?? "latest" })]);
    }
    if (parts.refs.namesOf(id).length > 0 || user) return result;
  } else {
    const names = parts.refs.namesOf(id);
    if (user?.running) {
      throw conflict(`conflict: unable to delete ${shortId(id)} (cannot be forced) - image is being used by running container ${shortId(user.containerId)}`);
    }
    if (!opts.force && names.length > 1) {
      throw conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is referenced in multiple repositories`);
    }
    if (!opts.force && user) {
      throw conflict(`conflict: unable to delete ${shortId(id)} (must be forced) - image is being used by stopped container ${shortId(user.containerId)}`);
    }
    await untag(names);
    if (user) return result;
  }

  const record = parts.records.get(id);
  if (!record) return result;
  await parts.records.delete(id);
  result.deleted.push(id);
  const removed = await removeUnreferenced(parts, referenced([record]));
  result.deleted.push(...removed);
  return result;
}
