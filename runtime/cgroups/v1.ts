/** cgroup v1: one directory per controller hierarchy (plus the hybrid unified tree when one is mounted). */
import { existsSync } from "node:fs";
import { readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { Cgroups } from "./cgroups.js";
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

  async remove(path: string): Promise<void> {
    await Promise.all(this.dirs(path).map((d) => rmdir(d).catch(() => undefined)));
  }
}
