/**
 * A task's exit is handled the moment it is reported: waiters and attached clients hear of it at once, the clean-up
 * (unmount, cgroup) follows in the background, and an AutoRemove container is removed before
 * `wait?condition=removed` returns.
 */
import { unmount } from "../snapshot/overlay.js";
import { containerEvent } from "../events/container-events.js";
import type { ExitStatus, Task } from "../oci/executor.js";
import { syncAttachRelay } from "./attach-relay.js";
import { isRunning } from "./container.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { destroy } from "./remove.js";
import { restartAfterExit } from "./restart-policy.js";

/** Connects a (new or re-adopted) task to the container: output to attach clients (while any), its exit to onExit. */
export function attachTask(m: ManagerState, live: Live, task: Task): void {
  live.task = task;
  syncAttachRelay(live);
  for (const data of live.pendingStdin) task.writeStdin(data);
  live.pendingStdin = [];
  if (live.pendingClose) task.closeStdin();
  live.pendingClose = false;
  void task.exited.then((status) => onExit(m, live, task, status));
}

export function recordExit(live: Live, status: ExitStatus): void {
  live.record.state = {
    ...live.record.state,
    status: "exited",
    pid: 0,
    exitCode: status.exitCode,
    error: status.error ?? "",
    oomKilled: status.oomKilled,
    finishedAt: status.finishedAt,
  };
}

function onExit(m: ManagerState, live: Live, task: Task, status: ExitStatus): void {
  if (live.task !== task) return;
  live.task = null;
  syncAttachRelay(live);
  recordExit(live, status);
  m.deps.log.debug("container exited", { id: live.record.id, exitCode: status.exitCode });
  for (const s of live.sinks) s.end();
  live.sinks.clear();
  live.events.emit("exit");
  if (status.oomKilled) m.deps.events?.publish(containerEvent(live.record, "oom"));
  m.deps.events?.publish(containerEvent(live.record, "die", { exitCode: String(status.exitCode) }));
  for (const hook of m.hooks.onTaskExit) hook(live.record);
  if (live.record.hostConfig.AutoRemove) {
    void serialise(live, () => destroy(m, live)).catch((err: unknown) =>
      m.deps.log.error("auto-removing a container failed", { id: live.record.id, error: String(err) }));
    return;
  }
  if (restartAfterExit(m, live)) return;
  void m.deps.store.save(live.record).catch((err: unknown) =>
    m.deps.log.error("recording an exit failed", { id: live.record.id, error: String(err) }));
  void serialise(live, () => cleanUpAfterExit(m, live));
}

/** After an exit: the rootfs is unmounted and the cgroup removed (a later start mounts again). */
export async function cleanUpAfterExit(m: ManagerState, live: Live): Promise<void> {
  if (live.removed || isRunning(live.record)) return;
  const { layout, cgroups } = m.deps;
  await unmount(layout.rootfsDir(live.record.id)).catch(() => undefined);
  await cgroups.remove(layout.cgroupPath(live.record.id));
}
