/**
 * The engine's view of the host's cgroups. hako-shim creates a container's cgroup (from `linux.cgroupsPath` of the
 * spec) and moves init into it; hakod reads from it and removes it once the container is gone.
 *
 * Terms: a **cgroup path** is absolute below each hierarchy's root (`/hako-<instance>/<id>`, see layout.ts). With
 * cgroup v1 one path exists once per controller hierarchy (memory, pids, …); with v2 once in the unified tree.
 */
import type { LiveLimits } from "./limits.js";
import type { CgroupStats } from "./stats.js";

export type { LiveLimits } from "./limits.js";

export interface Cgroups {
  /** 1 or 2 */
  readonly version: 1 | 2;
  /** "cgroupfs": hakod manages the directories itself (no systemd) */
  readonly driver: "cgroupfs";
  /** The memory limit in bytes applied to `path`, or null when there is none (or the cgroup does not exist). */
  memoryLimit(path: string): Promise<number | null>;
  /** The host directories of `path` (one per hierarchy). */
  dirs(path: string): string[];
  /** Removes the (empty) cgroup at `path` everywhere; a missing one is fine. */
  remove(path: string): Promise<void>;
  /** Whether the memory controller can limit swap (v1 memsw / v2 memory.swap.max). */
  readonly swapLimit: boolean;
  /** Freezes (`pause`) or thaws the cgroup at `path`; resolves once the kernel reports the state reached. */
  freeze(path: string, frozen: boolean): Promise<void>;
  /** Writes new limits into the cgroup at `path` (`docker update` of a running container). */
  update(path: string, limits: LiveLimits): Promise<void>;
  /** PIDs (host namespace) of the processes in the cgroup at `path`; empty when it does not exist. */
  procs(path: string): Promise<number[]>;
  /** CPU, memory, pids and block I/O use of the cgroup at `path` (stats.ts); null when it does not exist. */
  stats(path: string): Promise<CgroupStats | null>;
}
