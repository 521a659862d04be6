/** The front door: detects the host's cgroup version and returns the matching {@link Cgroups}. */
import type { Cgroups } from "./cgroups.js";
import { hostCgroupMounts, type CgroupMount } from "./mounts.js";
import { CgroupsV1 } from "./v1.js";
import { CgroupsV2 } from "./v2.js";

export type { Cgroups } from "./cgroups.js";

/** Pure v2 when a cgroup2 tree is mounted and no v1 controller hierarchy is; else v1 (hybrid counts as v1). */
export function cgroupsFromMounts(mounts: CgroupMount[]): Cgroups {
  const v1 = mounts.filter((m) => m.fsType === "cgroup");
  const v2 = mounts.find((m) => m.fsType === "cgroup2");
  if (v1.some((m) => !m.controllers[0]?.startsWith("name=")) || !v2) return new CgroupsV1(mounts);
  return new CgroupsV2(v2.mountPoint);
}

export function detectCgroups(): Cgroups {
  return cgroupsFromMounts(hostCgroupMounts());
}
