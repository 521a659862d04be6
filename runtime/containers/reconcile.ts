/**
 * Reconcile at start: a container recorded running is re-adopted when its task is still there, or marked exited with
 * the status the shim recorded (255 and an error when there is none). A created container's shim that still waits for
 * a start that never came is ended.
 */
import { containerEvent } from "../events/container-events.js";
import { isRunning, rfc3339Nano } from "./container.js";
import { attachTask, cleanUpAfterExit, recordExit } from "./exit.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { destroy } from "./remove.js";
import { restartAtDaemonStart } from "./restart-policy.js";

export async function reconcile(m: ManagerState, live: Live): Promise<void> {
  const { executor, store, log } = m.deps;
  const rec = live.record;
  if (isRunning(rec)) {
    const task = await executor.adopt(rec.id);
    if (task) {
      attachTask(m, live, task);
      // a start that was recorded but never delivered (hakod died in between) is delivered now; a started task
      // ignores it
      await task.start();
      // hakod may have died while it froze the container for a copy (rootfs-access.ts): only a pause keeps it frozen
      if (rec.state.status === "running") {
        await m.deps.cgroups.freeze(m.deps.layout.cgroupPath(rec.id), false).catch(() => undefined);
      }
      log.info("re-adopted a running container", { id: rec.id, pid: task.pid });
      for (const hook of m.hooks.onTaskStart) hook(rec, true);
      return;
    }
    const exit = await executor.readExit(rec.id);
    recordExit(live, exit ?? {
      exitCode: 255,
      signal: 0,
      oomKilled: false,
      finishedAt: rfc3339Nano(),
      error: "the container's task was gone and no exit status was recorded while hakod was down",
    });
    log.info("container exited while hakod was down", { id: rec.id, exitCode: rec.state.exitCode });
    await store.save(rec);
    m.deps.events?.publish(containerEvent(rec, "die", { exitCode: String(rec.state.exitCode) }));
  } else if (rec.state.status === "created") {
    // a shim may still wait for a start that never came (hakod died during start): end it
    const task = await executor.adopt(rec.id);
    if (task) {
      await task.kill(9);
      task.release();
    }
  }
  if (rec.hostConfig.AutoRemove && rec.state.status === "exited") {
    await serialise(live, () => destroy(m, live));
  } else if (!isRunning(rec)) {
    void serialise(live, () => cleanUpAfterExit(m, live));
    restartAtDaemonStart(m, live);
  }
}
