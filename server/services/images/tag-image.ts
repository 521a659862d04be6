/**
 * Tagging through the console: `docker tag` on the engine, refused for an immutable repository's existing tag, and
 * recorded in the tag history; "point back" is a tag to the digest the tag had before its last change.
 */
import type { Db } from "../../db";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import { refString, type TagRef } from "./references";
import { currentDigest, recordTagState, type TagChange } from "./tag-history";

export async function isImmutable(db: Db, repository: string): Promise<boolean> {
  const rule = await db.repositoryRule.findUnique({ where: { repository } });
  return rule?.immutableTags ?? false;
}

/** Refuses to move an existing tag of an immutable repository (creating one is allowed). */
export async function assertMayMove(db: Db, ref: TagRef, from: string | null, to: string): Promise<void> {
  if (from !== null && from !== to && (await isImmutable(db, ref.repository))) {
    throw new ServiceError("PermissionDenied", `Tags of ${ref.repository} are immutable: ${refString(ref)} already points to ${from.slice(0, 19)}, and moving it is refused. Use a new tag, or ask an admin to lift the rule.`);
  }
}

/** Points `ref` at `image` (an ID or a reference) and records the change as `actor`'s. */
export async function tagImage(db: Db, target: Engine, actor: string, image: string, ref: TagRef): Promise<TagChange | null> {
  const info = await engineCall(target, (docker) => docker.getImage(image).inspect());
  const from = await currentDigest(target, ref);
  await assertMayMove(db, ref, from, info.Id);
  await engineCall(target, (docker) => docker.getImage(info.Id).tag({ repo: ref.repository, tag: ref.tag }));
  // The watcher will see this change's `tag` event too, find the history already agrees, and add nothing.
  return recordTagState(db, ref, info.Id, { actor, source: "console" });
}

/** Points `ref` back to the digest it had before its latest recorded change. */
export async function pointTagBack(db: Db, target: Engine, actor: string, ref: TagRef): Promise<TagChange | null> {
  const last = await db.tagEvent.findFirst({ where: ref, orderBy: [{ time: "desc" }, { id: "desc" }] });
  if (!last?.oldDigest) throw new ServiceError("Conflict", `${refString(ref)} has no earlier digest in its history to point back to.`);
  try {
    await engineCall(target, (docker) => docker.getImage(last.oldDigest!).inspect());
  } catch (err) {
    if (err instanceof ServiceError && err.kind === "NotFound") {
      throw new ServiceError("NotFound", `The previous image ${last.oldDigest.slice(0, 19)} is no longer on the engine; pull or build it again first.`);
    }
    throw err;
  }
  return tagImage(db, target, actor, last.oldDigest, ref);
}

export async function setRepositoryRule(db: Db, actor: string, repository: string, immutableTags: boolean): Promise<void> {
  await db.repositoryRule.upsert({
    where: { repository },
    create: { repository, immutableTags, updatedBy: actor },
    update: { immutableTags, updatedBy: actor },
  });
}
