/**
 * `kill -s`: a signal to the container's init. Like dockerd, SIGKILL or the container's stop signal (any signal when
 * it has none) also thaws a paused container, so that the signal takes effect.
 */
import { conflict } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import { isRunning } from "./container.js";
import type { Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { thaw } from "./pause.js";
import { cancelRestart, noteSignalByHand } from "./restart-policy.js";
import { parseSignal } from "./signals.js";

export async function killContainer(m: ManagerState, ref: string, signal: string | undefined): Promise<void> {
  const live = m.registry.find(ref);
  const sig = parseSignal(signal || "SIGKILL");
  // a container waiting to restart has no process to signal: like dockerd, the kill calls the restart off
  if (!live.task && live.record.state.status === "restarting" && (await cancelRestart(m, live))) return;
  if (!live.task || !isRunning(live.record)) {
    throw conflict(`Cannot kill container: ${ref}: Container ${live.record.id} is not running`);
  }
  await signalContainer(m, live, sig);
}

/** Sends `sig` to init of a running container, thawing it first when the signal is meant to end it. */
export async function signalContainer(m: ManagerState, live: Live, sig: number): Promise<void> {
  const task = live.task;
  if (!task) return;
  noteSignalByHand(live, sig);
  await task.kill(sig);
  m.deps.events?.publish(containerEvent(live.record, "kill", { signal: String(sig) }));
  const stopSignal = live.record.config.StopSignal;
  if (sig === 9 || !stopSignal || sig === parseSignal(stopSignal)) await thaw(m, live);
}
