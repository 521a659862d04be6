/**
 * Reading a container's stats from cgroup v1: one directory per controller (cpuacct, cpu, memory, pids, blkio).
 * Files follow the kernel's cgroup-v1 documentation; CPU times in cpuacct.stat are in USER_HZ ticks (100 per second
 * on Linux), everything else in nanoseconds or bytes.
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseFlatKeyed, parseSingle, type BlkioEntry, type CgroupStats } from "./stats.js";

const NS_PER_TICK = 1e9 / 100;
/** v1 reports "no limit" as a huge page-aligned number */
const UNLIMITED = 2 ** 62;

async function read(dir: string | undefined, file: string): Promise<string | null> {
  if (!dir) return null;
  return readFile(join(dir, file), "utf8").catch(() => null);
}

/** "8:0 Read 4096" lines (and a "Total N" line, left out) */
export function parseBlkioV1(text: string | null): BlkioEntry[] {
  const out: BlkioEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const m = /^(\d+):(\d+) (\w+) (\d+)$/.exec(line.trim());
    if (m) out.push({ major: Number(m[1]), minor: Number(m[2]), op: m[3] as string, value: Number(m[4]) });
  }
  return out;
}

/**
 * `dirOf(controller)` is the container's directory in that controller's hierarchy (undefined when the controller is
 * not mounted). Null when the container's cgroup does not exist (it is not running).
 */
export async function readStatsV1(dirOf: (controller: string) => string | undefined): Promise<CgroupStats | null> {
  const memoryDir = dirOf("memory");
  const [usage, perCpu, cpuacctStat, cpuStat, memUsage, memMax, memFailcnt, memLimit, memStat, pidsCurrent, pidsMax,
    ioBytes, ioOps] = await Promise.all([
    read(dirOf("cpuacct"), "cpuacct.usage"),
    read(dirOf("cpuacct"), "cpuacct.usage_percpu"),
    read(dirOf("cpuacct"), "cpuacct.stat"),
    read(dirOf("cpu"), "cpu.stat"),
    read(memoryDir, "memory.usage_in_bytes"),
    read(memoryDir, "memory.max_usage_in_bytes"),
    read(memoryDir, "memory.failcnt"),
    read(memoryDir, "memory.limit_in_bytes"),
    read(memoryDir, "memory.stat"),
    read(dirOf("pids"), "pids.current"),
    read(dirOf("pids"), "pids.max"),
    read(dirOf("blkio"), "blkio.throttle.io_service_bytes_recursive"),
    read(dirOf("blkio"), "blkio.throttle.io_serviced_recursive"),
  ]);
  if (usage === null && memUsage === null && pidsCurrent === null) return null;
  const ticks = parseFlatKeyed(cpuacctStat ?? "");
  const throttle = parseFlatKeyed(cpuStat ?? "");
  const limit = parseSingle(memLimit);
  return {
    cpu: {
      totalNs: parseSingle(usage) ?? 0,
      perCpuNs: (perCpu ?? "").trim().split(/\s+/).filter(Boolean).map(Number),
      kernelNs: (ticks.system ?? 0) * NS_PER_TICK,
      userNs: (ticks.user ?? 0) * NS_PER_TICK,
      throttling: {
        periods: throttle.nr_periods ?? 0,
        throttledPeriods: throttle.nr_throttled ?? 0,
        throttledTimeNs: throttle.throttled_time ?? 0,
      },
    },
    memory: {
      usage: parseSingle(memUsage) ?? 0,
      maxUsage: parseSingle(memMax) ?? 0,
      failcnt: parseSingle(memFailcnt) ?? 0,
      limit: limit === null || limit >= UNLIMITED ? null : limit,
      stats: parseFlatKeyed(memStat ?? ""),
    },
    pids: { current: parseSingle(pidsCurrent) ?? 0, limit: parseSingle(pidsMax) },
    blkio: { serviceBytes: parseBlkioV1(ioBytes), serviced: parseBlkioV1(ioOps) },
  };
}
