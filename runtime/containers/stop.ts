/** `stop`: the container's stop signal (StopSignal, else SIGTERM), then SIGKILL after the timeout (StopTimeout, else 10 s). */
import { notFound } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import { isRunning } from "./container.js";
import { signalContainer } from "./kill.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { cancelRestart } from "./restart-policy.js";
import { parseSignal } from "./signals.js";

/** Stops the container; false when it was not running (the API answers 304 then). */
export function stopContainer(m: ManagerState, ref: string, timeout: number | undefined, signal?: string):
  Promise<boolean> {
  const live = m.registry.find(ref);
  const sig = stopSignal(live, signal);
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${ref}`);
    if (await cancelRestart(m, live)) return true;
    return stopTask(m, live, sig, timeout);
  });
}

/** The signal that stops this container: `signal` when given, else its StopSignal, else SIGTERM. */
export function stopSignal(live: Live, signal?: string): number {
  return parseSignal(signal || live.record.config.StopSignal || "SIGTERM");
}

/** Runs inside the container's lock: signals, waits up to `timeout` s (-1 forever), then SIGKILL; waits for the exit. */
export async function stopTask(m: ManagerState, live: Live, sig: number, timeout: number | undefined):
  Promise<boolean> {
  const task = live.task;
  if (!task || !isRunning(live.record)) return false;
  const t = timeout ?? live.record.config.StopTimeout ?? 10;
  await signalContainer(m, live, sig);
  if (t >= 0) {
    let timer: NodeJS.Timeout | undefined;
    const expired = await Promise.race([
      task.exited.then(() => false),
      new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), t * 1000))),
    ]);
    clearTimeout(timer);
    if (expired) await signalContainer(m, live, 9);
  }
  await task.exited;
  m.deps.events?.publish(containerEvent(live.record, "stop"));
  return true;
}
