/**
 * `rm` (`-f` kills a running container first, `-v` lets the volume hooks remove its anonymous volumes) and the removal
 * itself: the record goes atomically, then everything the container had.
 */
import { crashPoint } from "../crash-points.js";
import { conflict, notFound } from "../errors.js";
import { mountsUnder, unmount } from "../snapshot/overlay.js";
import { containerEvent } from "../events/container-events.js";
import { syncAttachRelay } from "./attach-relay.js";
import { isRunning } from "./container.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState, RemoveOptions } from "./manager-state.js";
import { thaw } from "./pause.js";

export function removeContainer(m: ManagerState, ref: string, opts: RemoveOptions): Promise<void> {
  const live = m.registry.find(ref);
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${ref}`);
    if (isRunning(live.record)) {
      if (!opts.force) {
        const paused = live.record.state.status === "paused";
        throw conflict(`You cannot remove a ${paused ? "paused" : "running"} container ${live.record.id}. ` +
          `${paused ? "Unpause and then stop" : "Stop"} the container before attempting removal or force remove`);
      }
      const task = live.task;
      if (task) {
        await task.kill(9);
        await thaw(m, live);
        await task.exited;
      }
    }
    await destroy(m, live, opts);
  });
}

/**
 * Removes the container's record (atomically) and everything it had; waiters for "removed" hear of it. An AutoRemove
 * container takes its anonymous volumes with it, like `docker run --rm`.
 */
export async function destroy(m: ManagerState, live: Live, opts?: RemoveOptions): Promise<void> {
  if (live.removed) return;
  const { store, layout, cgroups, log } = m.deps;
  const id = live.record.id;
  const dir = await store.detach(id);
  crashPoint("remove.after-rename");
  live.removed = true;
  m.registry.forget(id);
  for (const s of live.sinks) s.end();
  live.sinks.clear();
  syncAttachRelay(live);
  const how = opts ?? { force: false, volumes: live.record.hostConfig.AutoRemove };
  // the rest is no longer the container's: it lies in tmp/ (emptied at the next start if hakod dies now)
  void (async () => {
    await removeDirectory(m, dir);
    await cgroups.remove(layout.cgroupPath(id));
  })().catch((err: unknown) => log.warn("cleaning up a removed container", { id, error: String(err) }));
  for (const hook of m.hooks.onRemove) {
    await hook(live.record, how).catch((err: unknown) =>
      log.warn("a removal hook failed", { id, error: String(err) }));
  }
  // announced once the hooks are done: `run --rm` returns with its anonymous volumes and network devices gone
  live.events.emit("removed");
  m.deps.events?.publish(containerEvent(live.record, "destroy"));
}

/** Unmounts whatever is mounted below `dir`, then deletes it. */
export async function removeDirectory(m: ManagerState, dir: string): Promise<void> {
  for (const mp of await mountsUnder(dir)) await unmount(mp);
  await m.deps.store.destroy(dir);
}
