/**
 * One point of a container's resource use, computed from the engine's stats document the way `docker stats` does:
 *
 * - CPU % = (container CPU time delta / host CPU time delta) × online CPUs × 100, deltas against the previous read
 *   (`precpu_stats`), so 100 % is one CPU busy and a 4-CPU host tops out at 400 %.
 * - memory = usage minus the page cache that the kernel can drop (cgroup v1 `total_inactive_file`, v2 `inactive_file`).
 */
export interface StatsSample {
  /** ISO time of the read */
  time: string;
  cpuPercent: number;
  /** CPUs the percentage is relative to (the host's online CPUs) */
  onlineCpus: number;
  memoryUsage: number;
  /** bytes; the host's memory when the container has no limit */
  memoryLimit: number;
  pids: number;
  netRx: number;
  netTx: number;
  blockRead: number;
  blockWrite: number;
  /** raw counters, so that a sum across containers can be computed against one host delta */
  cpuDelta: number;
  systemDelta: number;
}

interface CpuStats {
  cpu_usage?: { total_usage?: number; percpu_usage?: number[] | null };
  system_cpu_usage?: number;
  online_cpus?: number;
}

/** The engine's stats document, as far as it is read here (every field optional: engines differ in what they fill). */
export interface EngineStats {
  read?: string;
  cpu_stats?: CpuStats;
  precpu_stats?: CpuStats;
  memory_stats?: { usage?: number; limit?: number; stats?: Record<string, number> };
  pids_stats?: { current?: number };
  networks?: Record<string, { rx_bytes?: number; tx_bytes?: number }>;
  blkio_stats?: { io_service_bytes_recursive?: { op: string; value: number }[] | null };
}

const num = (value: unknown): number => (typeof value === "number" && Number.isFinite(value) ? value : 0);

export function statsSample(stats: EngineStats): StatsSample {
  const cpu = stats.cpu_stats;
  const pre = stats.precpu_stats;
  const cpuDelta = num(cpu?.cpu_usage?.total_usage) - num(pre?.cpu_usage?.total_usage);
  const systemDelta = num(cpu?.system_cpu_usage) - num(pre?.system_cpu_usage);
  const onlineCpus = num(cpu?.online_cpus) || cpu?.cpu_usage?.percpu_usage?.length || 1;
  // The first read of a stream has no previous one to compare with: no rate yet.
  const hasPrevious = num(pre?.system_cpu_usage) > 0;
  const cpuPercent = hasPrevious && cpuDelta > 0 && systemDelta > 0 ? (cpuDelta / systemDelta) * onlineCpus * 100 : 0;

  const memory = stats.memory_stats ?? {};
  const cache = num(memory.stats?.total_inactive_file) || num(memory.stats?.inactive_file);
  const memoryUsage = Math.max(0, num(memory.usage) - cache);

  let netRx = 0;
  let netTx = 0;
  for (const net of Object.values(stats.networks ?? {})) {
    netRx += num(net.rx_bytes);
    netTx += num(net.tx_bytes);
  }
  let blockRead = 0;
  let blockWrite = 0;
  for (const entry of stats.blkio_stats?.io_service_bytes_recursive ?? []) {
    const op = String(entry.op).toLowerCase();
    if (op === "read") blockRead += num(entry.value);
    if (op === "write") blockWrite += num(entry.value);
  }

  return {
    time: stats.read && !stats.read.startsWith("0001") ? stats.read : new Date().toISOString(),
    cpuPercent: round(cpuPercent),
    onlineCpus,
    memoryUsage,
    memoryLimit: num(memory.limit),
    pids: num(stats.pids_stats?.current),
    netRx,
    netTx,
    blockRead,
    blockWrite,
    cpuDelta: Math.max(0, cpuDelta),
    systemDelta: Math.max(0, systemDelta),
  };
}

function round(value: number): number {
  return Math.round(value * 100) / 100;
}
