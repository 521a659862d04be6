/**
 * `pause`/`unpause` with the cgroup freezer (v1 freezer.state, v2 cgroup.freeze). A paused container is still running
 * (`State.Running` and `State.Paused`); its status is "paused" until it is thawed or exits.
 */
import { conflict } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import { isRunning } from "./container.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";

export function pauseContainer(m: ManagerState, ref: string): Promise<void> {
  const live = m.registry.find(ref);
  return serialise(live, async () => {
    const rec = live.record;
    if (!live.task || !isRunning(rec) || live.removed) throw conflict(`Container ${rec.id} is not running`);
    if (rec.state.status === "paused") throw conflict(`Container ${rec.id} is already paused`);
    if (rec.state.status === "restarting") {
      throw conflict(`Container ${rec.id} is restarting, wait until the container is running`);
    }
    await m.deps.cgroups.freeze(m.deps.layout.cgroupPath(rec.id), true);
    rec.state = { ...rec.state, status: "paused" };
    await m.deps.store.save(rec);
    live.events.emit("pause");
    m.deps.events?.publish(containerEvent(rec, "pause"));
  });
}

export function unpauseContainer(m: ManagerState, ref: string): Promise<void> {
  const live = m.registry.find(ref);
  return serialise(live, async () => {
    if (live.record.state.status !== "paused" || live.removed) {
      throw conflict(`Container ${live.record.id} is not paused`);
    }
    await thaw(m, live);
  });
}

/** Thaws a paused container (nothing when it is not paused): it runs again, or dies of a signal it was sent. */
export async function thaw(m: ManagerState, live: Live): Promise<void> {
  const rec = live.record;
  if (rec.state.status !== "paused") return;
  await m.deps.cgroups.freeze(m.deps.layout.cgroupPath(rec.id), false);
  if (rec.state.status !== "paused") return; // it exited meanwhile
  rec.state = { ...rec.state, status: "running" };
  await m.deps.store.save(rec);
  live.events.emit("unpause");
  m.deps.events?.publish(containerEvent(rec, "unpause"));
}
