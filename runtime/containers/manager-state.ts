/**
 * What the container manager's parts share: the engine services it uses (deps), the live registry, and the hooks other
 * subsystems register to take part in a container's lifecycle.
 */
import type { Logger } from "../engine.js";
import type { EventPublisher } from "../events/events.js";
import type { Layout } from "../layout.js";
import type { Cgroups } from "../cgroups/cgroups.js";
import type { Executor } from "../oci/executor.js";
import type { OciSpec } from "../oci/spec.js";
import type { ImageStore } from "../store/image-store.js";
import type { ContainerRecord } from "./container.js";
import type { LiveRegistry } from "./live.js";
import type { ContainerStore } from "./store.js";

export interface HostFacts {
  /** capabilities the engine holds (its bounding set) */
  engineCapabilities: string[];
  /** the engine's hard rlimits by ulimit name */
  hardLimits: Record<string, number>;
  /** the host's /etc/resolv.conf */
  resolvConf: string;
}

export interface ManagerDeps {
  layout: Layout;
  images: ImageStore;
  executor: Executor;
  cgroups: Cgroups;
  store: ContainerStore;
  host: HostFacts;
  log: Logger;
  /** where lifecycle events go (events/bus.ts); none in tests that do not care */
  events?: EventPublisher;
}

export interface RemoveOptions {
  force: boolean;
  /** `rm -v`: also remove the container's anonymous volumes */
  volumes?: boolean;
}

/**
 * A hook called after a container's record is gone (its name is free, waiters for "removed" have heard). A failing
 * hook is logged; it does not undo the removal.
 */
export type OnRemove = (record: ContainerRecord, opts: RemoveOptions) => Promise<void>;

/**
 * A hook called at create once the new record is registered and before it is stored (volumes are created here): a
 * failure refuses the create. The returned function, if any, undoes the hook's work when the create fails later.
 */
export type OnCreate = (record: ContainerRecord) => Promise<(() => Promise<void>) | void>;

/**
 * A hook called at each start with the OCI spec that buildSpec made, before it is written: run options amend it
 * (mounts, network, security, init). `rootfs` is the mounted root. A failure fails the start.
 */
export type OnSpec = (record: ContainerRecord, spec: OciSpec, rootfs: string) => Promise<void>;

/**
 * Hooks called when a container's task starts (`resumed`: re-adopted after a restart of hakod) and when it exits
 * (after the exit is recorded). They must not throw.
 */
export type OnTaskStart = (record: ContainerRecord, resumed: boolean) => void;
export type OnTaskExit = (record: ContainerRecord) => void;

export interface LifecycleHooks {
  onRemove: OnRemove[];
  onCreate: OnCreate[];
  onSpec: OnSpec[];
  onTaskStart: OnTaskStart[];
  onTaskExit: OnTaskExit[];
}

export interface ManagerState {
  deps: ManagerDeps;
  registry: LiveRegistry;
  hooks: LifecycleHooks;
}
