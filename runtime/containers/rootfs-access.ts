/**
 * Access to a container's merged root filesystem from the host (cp, export, commit), in the container's lock so that
 * no start, stop or pause interleaves.
 *
 * - A running container's rootfs is mounted already. It is frozen for the duration (unless it is paused already), so
 *   that no process inside can swap a directory for a symlink between hakod's checks and its reads or writes (the
 *   race of CVE-2018-15664); the processes do not notice beyond the delay.
 * - A stopped container's overlay is mounted for the duration (read-only when only reading) and unmounted after.
 */
import { notFound } from "../errors.js";
import { isMountPoint, unmount } from "../snapshot/overlay.js";
import { isRunning } from "./container.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { mountRootfs } from "./start.js";

export type RootfsMode = "read" | "write";

export function withRootfs<T>(m: ManagerState, live: Live, mode: RootfsMode, fn: (rootfs: string) => Promise<T>):
  Promise<T> {
  const { layout, cgroups } = m.deps;
  const id = live.record.id;
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${id}`);
    const rootfs = layout.rootfsDir(id);
    if (live.task && isRunning(live.record)) {
      const freeze = live.record.state.status !== "paused";
      if (freeze) await cgroups.freeze(layout.cgroupPath(id), true);
      try {
        return await fn(rootfs);
      } finally {
        if (freeze) await cgroups.freeze(layout.cgroupPath(id), false).catch(() => undefined);
      }
    }
    const mounted = await isMountPoint(rootfs);
    if (!mounted) await mountRootfs(m, live, { readOnly: mode === "read" });
    try {
      return await fn(rootfs);
    } finally {
      if (!mounted) await unmount(rootfs).catch(() => undefined);
    }
  });
}
