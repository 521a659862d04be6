/**
 * TEST ONLY. Crash points: named instants inside an operation where `HAKO_TEST_CRASH_POINT=<name>` makes hakod die at
 * once (SIGKILL to itself, no cleanup, no flush), so that the crash-safety tests (integration/crash-safety.test.ts) can
 * kill hakod exactly in the middle of a create, start or remove and check what a restart makes of it. Unset (always, in
 * production) a crash point costs one string comparison.
 *
 * The points, in the order their operation passes them:
 * - `create.after-dir`: the container's directory exists, its record does not yet (containers/store.ts);
 * - `create.after-record`: the record is durable, the client has not been answered (containers/manager.ts);
 * - `start.after-spawn`: the shim is ready and waits for its start frame; the record still says "created"
 *   (containers/start.ts);
 * - `start.after-record`: the record says "running", the start frame has not been sent (containers/start.ts);
 * - `remove.after-rename`: the container's directory has left the store (its record is gone), nothing of it is
 *   unmounted, deleted or removed from the cgroups yet (containers/remove.ts).
 */
const armed = process.env.HAKO_TEST_CRASH_POINT ?? "";

export type CrashPoint = "create.after-dir" | "create.after-record" | "start.after-spawn" | "start.after-record"
  | "remove.after-rename";

export function crashPoint(name: CrashPoint): void {
  if (armed === name) process.kill(process.pid, "SIGKILL");
}
