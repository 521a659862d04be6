/** cgroup v2: one unified tree. */
import { readFileSync } from "node:fs";
import { readFile, rmdir } from "node:fs/promises";
import { join } from "node:path";
import type { Cgroups } from "./cgroups.js";

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
