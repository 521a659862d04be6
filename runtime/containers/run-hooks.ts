/**
 * Wires the run options into the container manager's lifecycle hooks (manager-state.ts): volumes at create, the
 * run options' share of the spec at start (run-spec.ts), health monitors while a task runs, and anonymous volumes
 * at removal.
 */
import type { Logger } from "../engine.js";
import { containerEvent } from "../events/container-events.js";
import type { EventPublisher } from "../events/events.js";
import type { Layout } from "../layout.js";
import type { SecurityDefaults } from "../security/container-security.js";
import { ContainerMounts } from "../volumes/container-mounts.js";
import type { VolumeStore } from "../volumes/volume.js";
import type { ContainerRecord } from "./container.js";
import { HealthMonitors, type HealthStatus, type ProbeRunner } from "./health.js";
import type { ContainerManager } from "./manager.js";
import { applyRunSpec } from "./run-spec.js";
import type { ContainerStore } from "./store.js";

export interface RunHooksOptions {
  containers: ContainerManager;
  volumes: VolumeStore;
  store: ContainerStore;
  layout: Layout;
  log: Logger;
  security: SecurityDefaults;
  initPath: string;
  events?: EventPublisher;
}

export interface RunHooks {
  health: HealthMonitors;
  /** Gives the health monitors the engine's exec (until then probes fail saying so). */
  setProbeRunner(runner: ProbeRunner): void;
  /** Where health status changes are announced (the engine's event stream). */
  onHealthStatus(listener: (rec: ContainerRecord, status: HealthStatus) => void): void;
}

export function installRunHooks(o: RunHooksOptions): RunHooks {
  const { containers, volumes, log } = o;
  const mounts = new ContainerMounts(volumes, log);
  volumes.setUsers((name) => ContainerMounts.users(() => containers.list(), name));

  let runner: ProbeRunner | null = null;
  const healthListeners: Array<(rec: ContainerRecord, status: HealthStatus) => void> = [];
  const health = new HealthMonitors({
    runner: () => runner,
    save: (rec) => o.store.save(rec),
    onStatus: (rec, status) => {
      log.info("health status changed", { id: rec.id, status });
      o.events?.publish(containerEvent(rec, `health_status: ${status}`));
      for (const l of healthListeners) l(rec, status);
    },
    log,
  });

  containers.onCreate(async (rec) => {
    await mounts.createVolumes(rec.mounts ?? []);
    return () => mounts.undoCreate(rec.mounts ?? []);
  });
  containers.onSpec((rec, spec, rootfs) =>
    applyRunSpec({ layout: o.layout, mounts, security: o.security, initPath: o.initPath }, rec, rootfs, spec));
  containers.onTaskStart((rec, resumed) => health.start(rec, { resume: resumed }));
  containers.onTaskExit((rec) => health.stop(rec.id));
  containers.onRemove(async (rec, opts) => {
    health.stop(rec.id);
    await mounts.release(rec.mounts, opts);
  });

  return {
    health,
    setProbeRunner: (r) => {
      runner = r;
    },
    onHealthStatus: (l) => {
      healthListeners.push(l);
    },
  };
}
