/** The processes of a cgroup: its `cgroup.procs` (thread-group IDs in the host's pid namespace). */
import { readFile } from "node:fs/promises";
import { join } from "node:path";

export async function readProcs(dir: string): Promise<number[]> {
  const text = await readFile(join(dir, "cgroup.procs"), "utf8").catch(() => "");
  return text.split("\n").filter(Boolean).map(Number).filter((n) => Number.isInteger(n) && n > 0);
}
