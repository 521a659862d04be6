/** cgroup v2: one unified tree. */
import { readFileSync } from "node:fs";
import { readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { Cgroups } from "./cgroups.js";
import { freezeV2 } from "./freezer.js";
import { applyLimitsV2, type LiveLimits } from "./limits.js";
import { readProcs } from "./procs.js";
import type { CgroupStats } from "./stats.js";
import { readStatsV2 } from "./stats-v2.js";

export class CgroupsV2 implements Cgroups {
  readonly version = 2 as const;
  readonly driver = "cgroupfs" as const;
  readonly swapLimit: boolean;

  constructor(private readonly root: string) {
    this.swapLimit = readControllers(root).includes("memory");
  }

  dirs(path: string): string[] {
    return [join(this.root, path)];
  }

  async memoryLimit(path: string): Promise<number | null> {
    try {
      const v = (await readFile(join(this.root, path, "memory.max"), "utf8")).trim();
      return v === "max" ? null : Number(v);
    } catch {
      return null;
    }
  }

  freeze(path: string, frozen: boolean): Promise<void> {
    return freezeV2(join(this.root, path), frozen);
  }

  update(path: string, limits: LiveLimits): Promise<void> {
    return applyLimitsV2(join(this.root, path), limits);
  }

  procs(path: string): Promise<number[]> {
    return readProcs(join(this.root, path));
  }

  stats(path: string): Promise<CgroupStats | null> {
    return readStatsV2(join(this.root, path));
  }

  async remove(path: string): Promise<void> {
    await rmdir(join(this.root, path)).catch(() => undefined);
  }
}

function readControllers(root: string): string[] {
  try {
    return readFileSync(join(root, "cgroup.controllers"), "utf8").trim().split(/\s+/);
  } catch {
    return [];
  }
}
