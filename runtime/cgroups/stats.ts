/**
 * What a container's cgroup says about its use of the machine, the same for cgroup v1 and v2 (stats-v1.ts,
 * stats-v2.ts read it). Units are the kernel's: nanoseconds of CPU time, bytes.
 *
 * Where the versions differ it shows: `cpu.perCpuNs` and `memory.maxUsage`/`failcnt` exist on v1 only (v2 has no
 * per-CPU usage; `memory.peak` where the kernel has it); `memory.stats` holds the controller's own memory.stat keys
 * (v1: cache, rss, total_inactive_file …; v2: anon, file, inactive_file …); block I/O operations are "Read"/"Write"
 * on v1 and "read"/"write" on v2, as dockerd reports them.
 */

export interface BlkioEntry {
  major: number;
  minor: number;
  op: string;
  value: number;
}

export interface CgroupStats {
  cpu: {
    totalNs: number;
    perCpuNs?: number[];
    kernelNs: number;
    userNs: number;
    throttling: { periods: number; throttledPeriods: number; throttledTimeNs: number };
  };
  memory: {
    usage: number;
    maxUsage?: number;
    failcnt?: number;
    /** bytes, or null when unlimited */
    limit: number | null;
    stats: Record<string, number>;
  };
  pids: {
    current: number;
    /** null when unlimited */
    limit: number | null;
  };
  blkio: {
    serviceBytes: BlkioEntry[];
    serviced: BlkioEntry[];
  };
}

/** "key value" lines (memory.stat, cpu.stat, cpuacct.stat) → numbers. */
export function parseFlatKeyed(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const line of text.split("\n")) {
    const sp = line.indexOf(" ");
    if (sp <= 0) continue;
    const v = Number(line.slice(sp + 1).trim());
    if (Number.isFinite(v)) out[line.slice(0, sp)] = v;
  }
  return out;
}

/** A single number file; `max` (v2's "no limit") and a missing file are null. */
export function parseSingle(text: string | null): number | null {
  if (text === null) return null;
  const t = text.trim();
  if (t === "" || t === "max") return null;
  const v = Number(t);
  return Number.isFinite(v) ? v : null;
}
