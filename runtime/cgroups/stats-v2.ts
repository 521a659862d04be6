/**
 * Reading a container's stats from its cgroup v2 directory: cpu.stat (microseconds), memory.current, memory.max,
 * memory.stat, memory.peak (newer kernels), pids.current, pids.max and io.stat
 * (`MAJ:MIN rbytes=… wbytes=… rios=… wios=… dbytes=… dios=…`).
 */
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { parseFlatKeyed, parseSingle, type BlkioEntry, type CgroupStats } from "./stats.js";

async function read(dir: string, file: string): Promise<string | null> {
  return readFile(join(dir, file), "utf8").catch(() => null);
}

/** io.stat → Docker's v2 entries: bytes and operations, "read" and "write" per device. */
export function parseIoStat(text: string | null): { serviceBytes: BlkioEntry[]; serviced: BlkioEntry[] } {
  const serviceBytes: BlkioEntry[] = [];
  const serviced: BlkioEntry[] = [];
  for (const line of (text ?? "").split("\n")) {
    const m = /^(\d+):(\d+)\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    const major = Number(m[1]);
    const minor = Number(m[2]);
    const kv: Record<string, number> = {};
    for (const pair of (m[3] as string).split(/\s+/)) {
      const [k, v] = pair.split("=");
      if (k && v !== undefined && Number.isFinite(Number(v))) kv[k] = Number(v);
    }
    serviceBytes.push({ major, minor, op: "read", value: kv.rbytes ?? 0 }, { major, minor, op: "write", value: kv.wbytes ?? 0 });
    serviced.push({ major, minor, op: "read", value: kv.rios ?? 0 }, { major, minor, op: "write", value: kv.wios ?? 0 });
  }
  return { serviceBytes, serviced };
}

/** Null when the directory is not a live cgroup (the container is not running). */
export async function readStatsV2(dir: string): Promise<CgroupStats | null> {
  const [cpuStat, current, max, memStat, peak, pidsCurrent, pidsMax, ioStat] = await Promise.all([
    read(dir, "cpu.stat"),
    read(dir, "memory.current"),
    read(dir, "memory.max"),
    read(dir, "memory.stat"),
    read(dir, "memory.peak"),
    read(dir, "pids.current"),
    read(dir, "pids.max"),
    read(dir, "io.stat"),
  ]);
  if (cpuStat === null && current === null) return null;
  const cpu = parseFlatKeyed(cpuStat ?? "");
  const maxUsage = parseSingle(peak);
  return {
    cpu: {
      totalNs: (cpu.usage_usec ?? 0) * 1000,
      kernelNs: (cpu.system_usec ?? 0) * 1000,
      userNs: (cpu.user_usec ?? 0) * 1000,
      throttling: {
        periods: cpu.nr_periods ?? 0,
        throttledPeriods: cpu.nr_throttled ?? 0,
        throttledTimeNs: (cpu.throttled_usec ?? 0) * 1000,
      },
    },
    memory: {
      usage: parseSingle(current) ?? 0,
      ...(maxUsage !== null ? { maxUsage } : {}),
      limit: parseSingle(max),
      stats: parseFlatKeyed(memStat ?? ""),
    },
    pids: { current: parseSingle(pidsCurrent) ?? 0, limit: parseSingle(pidsMax) },
    blkio: parseIoStat(ioStat),
  };
}
