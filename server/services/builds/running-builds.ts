/**
 * Builds running in this console process. A build runs server-side, on its own, whoever watches: pages follow it
 * (./follow-build.ts) and may come and go. Its log, steps and outcome live here while it runs and in its Build row
 * once it ends; an ended build stays here a little longer so that a follower that reconnects just then misses nothing.
 */
import type { BuildLog } from "./build-log";

export interface RunningBuild {
  id: string;
  startedAt: Date;
  log: BuildLog;
  /** set when the build has ended and its row says so */
  ended: boolean;
  /** resolves at the next change (lines, steps, end) */
  changed(): Promise<void>;
  notify(): void;
}

const KEEP_ENDED_MS = 60_000;

const state = globalThis as typeof globalThis & { hakoRunningBuilds?: Map<string, RunningBuild> };

export function runningBuilds(): Map<string, RunningBuild> {
  state.hakoRunningBuilds ??= new Map();
  return state.hakoRunningBuilds;
}

export function registerBuild(id: string, startedAt: Date, log: BuildLog): RunningBuild {
  let wake: () => void = () => undefined;
  let next = new Promise<void>((resolve) => (wake = resolve));
  const build: RunningBuild = {
    id,
    startedAt,
    log,
    ended: false,
    changed: () => next,
    notify: () => {
      const resolve = wake;
      next = new Promise<void>((r) => (wake = r));
      resolve();
    },
  };
  runningBuilds().set(id, build);
  return build;
}

export function endBuild(build: RunningBuild): void {
  build.ended = true;
  build.notify();
  setTimeout(() => {
    if (runningBuilds().get(build.id) === build) runningBuilds().delete(build.id);
  }, KEEP_ENDED_MS).unref?.();
}
