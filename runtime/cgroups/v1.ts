/** cgroup v1: one directory per controller hierarchy (plus the hybrid unified tree when one is mounted). */
import { existsSync } from "node:fs";
import { readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import { internal } from "../errors.js";
import type { Cgroups } from "./cgroups.js";
import { freezeV1 } from "./freezer.js";
import { applyLimitsV1, type LiveLimits } from "./limits.js";
import { readProcs } from "./procs.js";
import type { CgroupStats } from "./stats.js";
import { readStatsV1 } from "./stats-v1.js";
import type { CgroupMount } from "./mounts.js";

/** v1 reports "no limit" as a huge page-aligned number. */
const UNLIMITED_V1 = 2 ** 62;

export class CgroupsV1 implements Cgroups {
  readonly version = 1 as const;
  readonly driver = "cgroupfs" as const;
  readonly swapLimit: boolean;
  private readonly memoryMount: string | undefined;

  constructor(private readonly mounts: CgroupMount[]) {
    this.memoryMount = mounts.find((m) => m.controllers.includes("memory"))?.mountPoint;
    this.swapLimit = this.memoryMount !== undefined && existsSync(join(this.memoryMount, "memory.memsw.limit_in_bytes"));
  }

  dirs(path: string): string[] {
    return this.mounts.map((m) => join(m.mountPoint, path));
  }

  async memoryLimit(path: string): Promise<number | null> {
    if (!this.memoryMount) return null;
    try {
      const v = Number((await readFile(join(this.memoryMount, path, "memory.limit_in_bytes"), "utf8")).trim());
      return v >= UNLIMITED_V1 ? null : v;
    } catch {
      return null;
    }
  }

  async freeze(path: string, frozen: boolean): Promise<void> {
    const freezer = this.mounts.find((m) => m.controllers.includes("freezer"));
    if (!freezer) throw internal("the freezer cgroup controller is not mounted");
    await freezeV1(join(freezer.mountPoint, path), frozen);
  }

  update(path: string, limits: LiveLimits): Promise<void> {
    return applyLimitsV1((c) => {
      const m = this.mounts.find((x) => x.controllers.includes(c));
      return m ? join(m.mountPoint, path) : undefined;
    }, limits);
  }

  procs(path: string): Promise<number[]> {
    const m = this.mounts.find((x) => x.controllers.includes("pids")) ?? this.mounts.find((x) => x.controllers.includes("memory"));
    return m ? readProcs(join(m.mountPoint, path)) : Promise.resolve([]);
  }

  stats(path: string): Promise<CgroupStats | null> {
    return readStatsV1((c) => {
      const m = this.mounts.find((x) => x.controllers.includes(c));
      return m ? join(m.mountPoint, path) : undefined;
    });
  }

  async remove(path: string): Promise<void> {
    await Promise.all(this.dirs(path).map((d) => rmdir(d).catch(() => undefined)));
  }
}
