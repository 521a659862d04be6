/**
 * Tag history: every creation, move and removal of a tag, with who, when, and the image ID before and after.
 *
 * Terms: a **tag** is `repository:tag`; its **digest** here is the image ID (`sha256:` of the image config) it points
 * to on the engine — what `docker tag` moves and what "point back" restores. **source** is `console` (a user acted
 * through the console; actor = their name) or `engine` (seen on the engine's event stream; actor = `engine-socket`,
 * the change was made by some client of the socket: docker tag, pull, build, load).
 *
 * Recording is idempotent: a change is written only when the engine's state differs from the last recorded one, so the
 * watcher, seeing the event of a change the console already recorded, writes nothing.
 */
import type { Db } from "../../db";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import { refString, type TagRef } from "./references";

export const ENGINE_ACTOR = "engine-socket";
export type TagSource = "console" | "engine";
export type TagAction = "create" | "move" | "delete";

export interface TagChange {
  id: string;
  time: Date;
  actor: string;
  repository: string;
  tag: string;
  oldDigest: string | null;
  newDigest: string | null;
  source: string;
  action: string;
}

/** The image ID `ref` names on the engine now, or null when it names none. */
export async function currentDigest(target: Engine, ref: TagRef): Promise<string | null> {
  try {
    const info = await engineCall(target, (docker) => docker.getImage(refString(ref)).inspect());
    return info.Id;
  } catch (err) {
    if (err instanceof ServiceError && err.kind === "NotFound") return null;
    throw err;
  }
}

/** The image ID the history last saw `ref` point to (null: never seen, or last seen removed). */
export async function lastRecorded(db: Db, ref: TagRef): Promise<string | null> {
  const last = await db.tagEvent.findFirst({ where: ref, orderBy: [{ time: "desc" }, { id: "desc" }] });
  return last?.newDigest ?? null;
}

/**
 * Records `ref` pointing at `digest` now (null: removed), if that differs from the last record. `oldDigest` is the
 * last recorded digest (what the history knew), which for a first sighting of an old tag is null: a `create`.
 */
export async function recordTagState(db: Db, ref: TagRef, digest: string | null, who: { actor: string; source: TagSource }, time = new Date()): Promise<TagChange | null> {
  const last = await db.tagEvent.findFirst({ where: ref, orderBy: [{ time: "desc" }, { id: "desc" }] });
  const previous = last?.newDigest ?? null;
  if (previous === digest) return null;
  const action: TagAction = previous === null ? "create" : digest === null ? "delete" : "move";
  // An engine event can carry a time before a record the console wrote after it; the timeline stays in order.
  const at = last && last.time.getTime() >= time.getTime() ? new Date(last.time.getTime() + 1) : time;
  return db.tagEvent.create({
    data: { time: at, actor: who.actor, source: who.source, repository: ref.repository, tag: ref.tag, oldDigest: previous, newDigest: digest, action },
  });
}

/** A repository's tags' history (or one tag's), newest first. */
export async function tagHistory(db: Db, where: { repository: string; tag?: string | undefined }, take = 200): Promise<TagChange[]> {
  return db.tagEvent.findMany({ where, orderBy: [{ time: "desc" }, { id: "desc" }], take });
}

/** The history of every tag an image has, or had (by digest), newest first: the image page's timeline. */
export async function imageTagHistory(db: Db, imageId: string, refs: TagRef[], take = 200): Promise<TagChange[]> {
  return db.tagEvent.findMany({
    where: { OR: [{ newDigest: imageId }, { oldDigest: imageId }, ...refs.map((r) => ({ repository: r.repository, tag: r.tag }))] },
    orderBy: [{ time: "desc" }, { id: "desc" }],
    take,
  });
}
