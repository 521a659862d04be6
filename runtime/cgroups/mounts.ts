/** Finding the cgroup hierarchies in /proc/self/mountinfo. */
import { readFileSync } from "node:fs";

export interface CgroupMount {
  /** where it is mounted, e.g. /sys/fs/cgroup/memory */
  mountPoint: string;
  /** "cgroup" (v1) or "cgroup2" */
  fsType: string;
  /** v1 controllers of this hierarchy, e.g. ["cpu", "cpuacct"]; empty for cgroup2 */
  controllers: string[];
}

export function parseCgroupMounts(mountinfo: string): CgroupMount[] {
  const out: CgroupMount[] = [];
  for (const line of mountinfo.split("\n")) {
    const sep = line.indexOf(" - ");
    if (sep < 0) continue;
    const left = line.slice(0, sep).split(" ");
    const right = line.slice(sep + 3).split(" ");
    const fsType = right[0];
    if (fsType !== "cgroup" && fsType !== "cgroup2") continue;
    const mountPoint = left[4] ?? "";
    const superOpts = (right[2] ?? "").split(",");
    const known = ["cpu", "cpuacct", "cpuset", "memory", "devices", "freezer", "net_cls", "net_prio", "blkio",
      "perf_event", "hugetlb", "pids", "rdma", "misc"];
    const controllers = fsType === "cgroup" ? superOpts.filter((o) => known.includes(o)) : [];
    const named = superOpts.find((o) => o.startsWith("name="));
    if (fsType === "cgroup" && controllers.length === 0 && !named) continue;
    out.push({ mountPoint, fsType, controllers: named && controllers.length === 0 ? [named] : controllers });
  }
  return out;
}

export function hostCgroupMounts(): CgroupMount[] {
  return parseCgroupMounts(readFileSync("/proc/self/mountinfo", "utf8"));
}
