/**
 * A container's resource use in Docker's stats shape (`GET /containers/{id}/stats`, types.StatsJSON): a **sample** is
 * what the cgroup (cgroups/stats.ts), the host's /proc/stat and the container's network namespace say at one moment;
 * the JSON pairs a sample with the one before it (`precpu_stats`, `preread`), which is what the CLI computes CPU % from:
 * `(Δ cpu_usage.total_usage / Δ system_cpu_usage) × online_cpus × 100`.
 *
 * Memory `limit` is the container's limit, or the host's memory when it has none (or a larger one), as with dockerd.
 * `networks` lists the interfaces of the container's own network namespace from /proc/<init pid>/net/dev except
 * loopback (dockerd reports its endpoints: eth0…); `--network none` or host (no endpoint of its own) reports none.
 */
import { readFile, readlink } from "node:fs/promises";
import { cpus, totalmem } from "node:os";
import type { Cgroups } from "../cgroups/cgroups.js";
import type { BlkioEntry, CgroupStats } from "../cgroups/stats.js";
import { ZERO_TIME, rfc3339Nano, type ContainerRecord } from "./container.js";

export interface NetworkStats {
  rx_bytes: number;
  rx_packets: number;
  rx_errors: number;
  rx_dropped: number;
  tx_bytes: number;
  tx_packets: number;
  tx_errors: number;
  tx_dropped: number;
}

export interface StatsSample {
  /** RFC 3339 */
  read: string;
  cgroup: CgroupStats;
  /** ns of CPU time the host has spent, all CPUs together (/proc/stat) */
  systemNs: number;
  onlineCpus: number;
  networks: Record<string, NetworkStats> | null;
}

export interface StatsHost {
  cgroups: Cgroups;
  /** the container's cgroup path (layout.cgroupPath) */
  cgroupPath(id: string): string;
}

/** USER_HZ: /proc/stat counts in these ticks on Linux */
const CLOCK_TICKS = 100;

/** The host's CPU time in ns, as dockerd counts it: user … softirq of the "cpu" line of /proc/stat. */
export function parseSystemCpuNs(procStat: string): number {
  const line = procStat.split("\n").find((l) => l.startsWith("cpu "));
  if (!line) return 0;
  const ticks = line.trim().split(/\s+/).slice(1, 8).reduce((sum, v) => sum + Number(v), 0);
  return (ticks * 1e9) / CLOCK_TICKS;
}

/** /proc/<pid>/net/dev → per interface counters. */
export function parseNetDev(text: string): Record<string, NetworkStats> {
  const out: Record<string, NetworkStats> = {};
  for (const line of text.split("\n").slice(2)) {
    const colon = line.indexOf(":");
    if (colon < 0) continue;
    const name = line.slice(0, colon).trim();
    const f = line.slice(colon + 1).trim().split(/\s+/).map(Number);
    if (!name || f.length < 16) continue;
    out[name] = {
      rx_bytes: f[0] ?? 0, rx_packets: f[1] ?? 0, rx_errors: f[2] ?? 0, rx_dropped: f[3] ?? 0,
      tx_bytes: f[8] ?? 0, tx_packets: f[9] ?? 0, tx_errors: f[10] ?? 0, tx_dropped: f[11] ?? 0,
    };
  }
  return out;
}

async function containerNetworks(pid: number): Promise<Record<string, NetworkStats> | null> {
  if (pid <= 0) return null;
  const [ns, own] = await Promise.all([
    readlink(`/proc/${pid}/ns/net`).catch(() => null),
    readlink("/proc/self/ns/net").catch(() => null),
  ]);
  if (ns === null || ns === own) return null;
  const text = await readFile(`/proc/${pid}/net/dev`, "utf8").catch(() => null);
  if (text === null) return null;
  const { lo: _loopback, ...endpoints } = parseNetDev(text);
  return Object.keys(endpoints).length > 0 ? endpoints : null;
}

/** One sample of a running container; null when it is not running (its cgroup is gone). */
export async function sampleStats(host: StatsHost, rec: ContainerRecord): Promise<StatsSample | null> {
  const [cgroup, procStat, networks] = await Promise.all([
    host.cgroups.stats(host.cgroupPath(rec.id)),
    readFile("/proc/stat", "utf8").catch(() => ""),
    containerNetworks(rec.state.pid),
  ]);
  if (!cgroup) return null;
  return { read: rfc3339Nano(), cgroup, systemNs: parseSystemCpuNs(procStat), onlineCpus: cpus().length, networks };
}

function cpuJson(s: StatsSample | null) {
  if (!s) {
    return { cpu_usage: { total_usage: 0, usage_in_kernelmode: 0, usage_in_usermode: 0 },
      throttling_data: { periods: 0, throttled_periods: 0, throttled_time: 0 } };
  }
  const c = s.cgroup.cpu;
  return {
    cpu_usage: {
      total_usage: c.totalNs,
      ...(c.perCpuNs && c.perCpuNs.length > 0 ? { percpu_usage: c.perCpuNs } : {}),
      usage_in_kernelmode: c.kernelNs,
      usage_in_usermode: c.userNs,
    },
    system_cpu_usage: s.systemNs,
    online_cpus: s.onlineCpus,
    throttling_data: {
      periods: c.throttling.periods,
      throttled_periods: c.throttling.throttledPeriods,
      throttled_time: c.throttling.throttledTimeNs,
    },
  };
}

const blkio = (entries: BlkioEntry[] | undefined): BlkioEntry[] | null => (entries && entries.length ? entries : null);

/**
 * Docker's StatsJSON for `cur` (null: a container that is not running: zeros, as dockerd answers) with `pre` as the
 * previous sample (null: none yet).
 */
export function statsJson(rec: ContainerRecord, cur: StatsSample | null, pre: StatsSample | null,
  hostMemory = totalmem()) {
  const m = cur?.cgroup.memory;
  const limit = m ? Math.min(m.limit ?? hostMemory, hostMemory) : 0;
  return {
    read: cur?.read ?? ZERO_TIME,
    preread: pre?.read ?? ZERO_TIME,
    pids_stats: cur
      ? { current: cur.cgroup.pids.current, ...(cur.cgroup.pids.limit !== null ? { limit: cur.cgroup.pids.limit } : {}) }
      : {},
    blkio_stats: {
      io_service_bytes_recursive: blkio(cur?.cgroup.blkio.serviceBytes),
      io_serviced_recursive: blkio(cur?.cgroup.blkio.serviced),
      io_queue_recursive: null,
      io_service_time_recursive: null,
      io_wait_time_recursive: null,
      io_merged_recursive: null,
      io_time_recursive: null,
      sectors_recursive: null,
    },
    num_procs: 0,
    storage_stats: {},
    cpu_stats: cpuJson(cur),
    precpu_stats: cpuJson(pre),
    memory_stats: m
      ? {
        usage: m.usage,
        ...(m.maxUsage !== undefined ? { max_usage: m.maxUsage } : {}),
        stats: m.stats,
        ...(m.failcnt !== undefined ? { failcnt: m.failcnt } : {}),
        limit,
      }
      : {},
    name: `/${rec.name}`,
    id: rec.id,
    ...(cur?.networks && Object.keys(cur.networks).length > 0 ? { networks: cur.networks } : {}),
  };
}
