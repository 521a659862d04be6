/**
 * Live resource limits (`docker update`): new values written into the cgroup of a running container.
 *
 * Terms (Docker's, as in HostConfig): **memory** and **memorySwap** in bytes, memorySwap being memory + swap (-1:
 * unlimited swap); **cpuShares** the v1 relative weight (v2 gets runc's conversion to cpu.weight); **cpuQuota** /
 * **cpuPeriod** in µs (quota -1: unlimited); **pidsLimit** ≤ 0 means unlimited. An absent field is left as it is.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { internal } from "../errors.js";

export interface LiveLimits {
  memory?: number;
  memorySwap?: number;
  memoryReservation?: number;
  cpuShares?: number;
  cpuQuota?: number;
  cpuPeriod?: number;
  pidsLimit?: number;
}

async function write(dir: string, file: string, value: string | number): Promise<void> {
  try {
    await writeFile(join(dir, file), String(value));
  } catch (err) {
    throw internal(`writing ${file}: ${(err as Error).message}`, err);
  }
}

/** cgroup v1: `dirOf(controller)` is the container's directory in that controller's hierarchy, if mounted. */
export async function applyLimitsV1(dirOf: (controller: string) => string | undefined, l: LiveLimits): Promise<void> {
  const memory = dirOf("memory");
  if (memory) {
    const hasSwap = l.memorySwap !== undefined && (await readFile(join(memory, "memory.memsw.limit_in_bytes"))
      .then(() => true, () => false));
    // memory.memsw.limit_in_bytes must never be below memory.limit_in_bytes: raise whichever order keeps that true
    const raiseSwapFirst = hasSwap && l.memory !== undefined &&
      l.memory > Number((await readFile(join(memory, "memory.memsw.limit_in_bytes"), "utf8")).trim());
    if (raiseSwapFirst) await write(memory, "memory.memsw.limit_in_bytes", l.memorySwap as number);
    if (l.memory !== undefined) await write(memory, "memory.limit_in_bytes", l.memory);
    if (hasSwap && !raiseSwapFirst) await write(memory, "memory.memsw.limit_in_bytes", l.memorySwap as number);
    if (l.memoryReservation !== undefined) await write(memory, "memory.soft_limit_in_bytes", l.memoryReservation);
  }
  const cpu = dirOf("cpu");
  if (cpu) {
    if (l.cpuShares !== undefined) await write(cpu, "cpu.shares", l.cpuShares);
    if (l.cpuPeriod !== undefined) await write(cpu, "cpu.cfs_period_us", l.cpuPeriod);
    if (l.cpuQuota !== undefined) await write(cpu, "cpu.cfs_quota_us", l.cpuQuota);
  }
  const pids = dirOf("pids");
  if (pids && l.pidsLimit !== undefined) await write(pids, "pids.max", l.pidsLimit > 0 ? l.pidsLimit : "max");
}

/** runc's conversion of v1 cpu.shares [2, 262144] to v2 cpu.weight [1, 10000]. */
export function sharesToWeight(shares: number): number {
  if (shares === 0) return 100;
  return Math.trunc(1 + ((shares - 2) * 9999) / 262142);
}

/** cgroup v2: one directory. memory.swap.max is the swap alone (memorySwap - memory). */
export async function applyLimitsV2(dir: string, l: LiveLimits): Promise<void> {
  if (l.memory !== undefined) await write(dir, "memory.max", l.memory > 0 ? l.memory : "max");
  if (l.memorySwap !== undefined) {
    const memory = l.memory ?? Number((await readFile(join(dir, "memory.max"), "utf8")).trim());
    const swap = l.memorySwap < 0 || !Number.isFinite(memory) ? "max" : Math.max(0, l.memorySwap - memory);
    await write(dir, "memory.swap.max", swap);
  }
  if (l.memoryReservation !== undefined) await write(dir, "memory.low", l.memoryReservation);
  if (l.cpuShares !== undefined) await write(dir, "cpu.weight", sharesToWeight(l.cpuShares));
  if (l.cpuQuota !== undefined || l.cpuPeriod !== undefined) {
    const [quota, period] = (await readFile(join(dir, "cpu.max"), "utf8")).trim().split(/\s+/);
    const q = l.cpuQuota === undefined ? quota : l.cpuQuota > 0 ? String(l.cpuQuota) : "max";
    await write(dir, "cpu.max", `${q} ${l.cpuPeriod ?? period}`);
  }
  if (l.pidsLimit !== undefined) await write(dir, "pids.max", l.pidsLimit > 0 ? l.pidsLimit : "max");
}
