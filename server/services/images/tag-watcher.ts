/**
 * Follows the engine's event stream for image events (`tag`, `untag`, `pull`, `load`, `import`, `delete`, `build`…)
 * and records in the tag history the tag changes that clients of the socket made (`docker tag`, pull, build, load),
 * as `engine-socket`. Started by `hako up`; resumes after the last event it handled (`since`, kept in EngineCursor),
 * so changes made while the console was down are picked up at the next start.
 *
 * An event names at most one reference; the watcher asks the engine what that reference — and every tag the history
 * last saw on the event's image — points to now, and records any difference (./tag-history.ts). It waits a moment
 * after each event first, so a change the console makes and records itself is found already recorded.
 */
import type { Db } from "../../db";
import type { Engine } from "../../engine/client";
import { engineEvents, type EngineEvent } from "../engine/engine-events";
import { splitReference, type TagRef } from "./references";
import { currentDigest, ENGINE_ACTOR, recordTagState } from "./tag-history";

export const CURSOR_NAME = "tag-history";
const SETTLE_MS = 1500;
const RETRY_MS = 3000;

/** The references an image event may have changed. */
export async function candidateRefs(db: Db, event: EngineEvent): Promise<TagRef[]> {
  const refs = new Map<string, TagRef>();
  const named = event.attributes.name ? splitReference(event.attributes.name) : null;
  if (named) refs.set(`${named.repository}:${named.tag}`, named);
  if (event.actorId.startsWith("sha256:")) {
    // Tags last recorded on this image: an untag or delete takes them away.
    const onImage = await db.tagEvent.findMany({ where: { newDigest: event.actorId }, distinct: ["repository", "tag"], select: { repository: true, tag: true } });
    for (const r of onImage) refs.set(`${r.repository}:${r.tag}`, r);
  }
  return [...refs.values()];
}

/** Records what one image event changed; returns how many tag changes were written. */
export async function handleImageEvent(db: Db, target: Engine, event: EngineEvent): Promise<number> {
  if (event.type !== "image") return 0;
  let written = 0;
  for (const ref of await candidateRefs(db, event)) {
    const digest = await currentDigest(target, ref);
    if (await recordTagState(db, ref, digest, { actor: ENGINE_ACTOR, source: "engine" }, new Date(event.time))) written++;
  }
  return written;
}

async function savedCursor(db: Db): Promise<string | undefined> {
  return (await db.engineCursor.findUnique({ where: { name: CURSOR_NAME } }))?.cursor;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms).unref(); // never what keeps the process alive
    signal.addEventListener("abort", () => { clearTimeout(timer); resolve(); }, { once: true });
  });
}

/** Runs until `signal` aborts, reconnecting after a lost stream; failures are logged, never thrown. */
export async function watchTags(db: Db, target: Engine, signal: AbortSignal, log: (message: string) => void = console.error): Promise<void> {
  while (!signal.aborted) {
    try {
      // First start: from now (older tags are recorded the first time an event touches them).
      const after = (await savedCursor(db)) ?? `${BigInt(Date.now()) * 1_000_000n}`;
      for await (const event of engineEvents(target, after, signal)) {
        if (event.type === "image") {
          const wait = new Date(event.time).getTime() + SETTLE_MS - Date.now();
          if (wait > 0) await sleep(wait, signal);
          if (signal.aborted) return;
          await handleImageEvent(db, target, event);
        }
        await db.engineCursor.upsert({ where: { name: CURSOR_NAME }, create: { name: CURSOR_NAME, cursor: event.cursor }, update: { cursor: event.cursor } });
      }
    } catch (err) {
      if (signal.aborted) return;
      log(`tag history: engine events: ${(err as Error).message}; retrying`);
    }
    await sleep(RETRY_MS, signal);
  }
}

/** Starts the watcher in the background; the returned function stops it. */
export function startTagWatcher(db: Db, target: Engine): () => void {
  const controller = new AbortController();
  void watchTags(db, target, controller.signal);
  return () => controller.abort();
}
