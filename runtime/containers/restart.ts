/**
 * `restart`: stop (as `stop` does, with `t`) when running, then start, in one step of the container's lock. Like
 * dockerd, an AutoRemove container is not removed by the stop of a restart.
 */
import { notFound } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import { isRunning } from "./container.js";
import { serialise } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { resetRestartPolicy } from "./restart-policy.js";
import { startTask } from "./start.js";
import { stopSignal, stopTask } from "./stop.js";

export function restartContainer(m: ManagerState, ref: string, timeout: number | undefined, signal?: string):
  Promise<void> {
  const live = m.registry.find(ref);
  const sig = stopSignal(live, signal);
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${ref}`);
    if (isRunning(live.record)) {
      const autoRemove = live.record.hostConfig.AutoRemove;
      live.record.hostConfig.AutoRemove = false;
      try {
        await stopTask(m, live, sig, timeout);
      } finally {
        live.record.hostConfig.AutoRemove = autoRemove;
      }
    }
    resetRestartPolicy(live);
    await startTask(m, live);
    m.deps.events?.publish(containerEvent(live.record, "restart"));
  });
}
