/**
 * A build's progress for the page that watches it: an update whenever lines arrive (batched a little), a step
 * starts or the build ends. Each update carries the lines after the follower's cursor (a line count) and the whole,
 * small, list of steps. A build that has ended is read from its row: one update, then the stream ends.
 */
import { setTimeout as sleep } from "node:timers/promises";
import type { Db } from "../../db";
import type { BuildFailure, BuildStep } from "./build-log";
import { buildRow, failureOf, stepsOf, type BuildStatus } from "./build-records";
import { runningBuilds, type RunningBuild } from "./running-builds";

export interface BuildUpdate {
  status: BuildStatus;
  /** index (counting from the build's first line) of `lines[0]` */
  firstLine: number;
  lines: string[];
  /** lines dropped from the start of the kept log (it is capped) */
  truncated: boolean;
  steps: BuildStep[];
  imageId: string | null;
  failure: BuildFailure | null;
  durationMs: number | null;
}

const BATCH_MS = 100;

function liveUpdate(build: RunningBuild, cursor: number): BuildUpdate {
  const { log } = build;
  const from = Math.max(cursor, log.dropped);
  return {
    status: build.ended ? (log.failure ? "failed" : "succeeded") : "running",
    firstLine: from,
    lines: log.lines.slice(from - log.dropped),
    truncated: log.dropped > 0,
    steps: log.steps.map((step) => ({ ...step, tail: [...step.tail] })),
    imageId: log.imageId,
    failure: log.failure,
    durationMs: build.ended ? Date.now() - build.startedAt.getTime() : null,
  };
}

export async function* followBuild(db: Db, id: string, cursor: number, signal?: AbortSignal): AsyncGenerator<BuildUpdate> {
  const running = runningBuilds().get(id);
  if (!running) {
    const row = await buildRow(db, id);
    const lines = row.log ? row.log.replace(/\n$/, "").split("\n") : [];
    yield {
      status: row.status as BuildStatus, firstLine: 0, lines, truncated: row.logTruncated, steps: stepsOf(row),
      imageId: row.imageId, failure: failureOf(row), durationMs: row.durationMs,
    };
    return;
  }
  let sent = cursor;
  let first = true;
  while (!signal?.aborted) {
    const changed = running.changed();
    const update = liveUpdate(running, sent);
    if (first || update.lines.length > 0 || running.ended) {
      yield update;
      sent = update.firstLine + update.lines.length;
      first = false;
    }
    if (running.ended) return;
    await Promise.race([changed, abortOf(signal)]);
    await sleep(BATCH_MS);
  }
}

function abortOf(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => signal?.addEventListener("abort", () => resolve(), { once: true }));
}
