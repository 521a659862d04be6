/**
 * The freezer: v1 writes FROZEN/THAWED to `freezer.state` of the freezer hierarchy, v2 1/0 to `cgroup.freeze`. Freezing
 * is asynchronous in the kernel (v1 reads FREEZING, v2 `cgroup.events` says `frozen 0` until it is done), so both wait
 * until the state is reached.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { internal } from "../errors.js";

const POLL_MS = 5;
const MAX_POLLS = 2000;

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

export async function freezeV1(freezerDir: string, frozen: boolean): Promise<void> {
  const file = join(freezerDir, "freezer.state");
  const want = frozen ? "FROZEN" : "THAWED";
  for (let i = 0; i < MAX_POLLS; i++) {
    try {
      // v1 may stay FREEZING when a task is in an uninterruptible sleep: writing again retries the freeze
      if (i % 20 === 0) await writeFile(file, want);
      if ((await readFile(file, "utf8")).trim() === want) return;
    } catch (err) {
      // a thawed container may die at once (of the signal it was waiting with) and its cgroup go
      if (!frozen && gone(err)) return;
      fail(frozen, err as Error);
    }
    await sleep(POLL_MS);
  }
  if (frozen) await writeFile(file, "THAWED").catch(() => undefined);
  throw internal(`${frozen ? "freezing" : "thawing"} the container's cgroup did not finish`);
}

export async function freezeV2(dir: string, frozen: boolean): Promise<void> {
  try {
    await writeFile(join(dir, "cgroup.freeze"), frozen ? "1" : "0");
  } catch (err) {
    if (!frozen && gone(err)) return;
    fail(frozen, err as Error);
  }
  const want = `frozen ${frozen ? 1 : 0}`;
  for (let i = 0; i < MAX_POLLS; i++) {
    const events = await readFile(join(dir, "cgroup.events"), "utf8").catch(() => want);
    if (events.split("\n").includes(want)) return;
    await sleep(POLL_MS);
  }
  if (frozen) await writeFile(join(dir, "cgroup.freeze"), "0").catch(() => undefined);
  throw internal(`${frozen ? "freezing" : "thawing"} the container's cgroup did not finish`);
}

/** The cgroup was removed (its last process exited and the engine cleaned up). */
function gone(err: unknown): boolean {
  const code = (err as NodeJS.ErrnoException).code;
  return code === "ENOENT" || code === "ENODEV";
}

function fail(frozen: boolean, err: Error): never {
  throw internal(`${frozen ? "freezing" : "thawing"} the container's cgroup: ${err.message}`, err);
}
