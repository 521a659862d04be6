import { describe, expect, it } from "vitest";
import type { CgroupStats } from "../cgroups/stats.js";
import type { ContainerRecord } from "./container.js";
import { parseNetDev, parseSystemCpuNs, statsJson, type StatsSample } from "./stats.js";

const rec = { id: "c".repeat(64), name: "web", state: { pid: 0 } } as unknown as ContainerRecord;
const cgroup = (totalNs: number, limit: number | null): CgroupStats => ({
  cpu: { totalNs, perCpuNs: [totalNs / 2, totalNs / 2], kernelNs: 1, userNs: 2,
    throttling: { periods: 0, throttledPeriods: 0, throttledTimeNs: 0 } },
  memory: { usage: 1000, maxUsage: 2000, failcnt: 0, limit, stats: { total_inactive_file: 100 } },
  pids: { current: 2, limit: 100 },
  blkio: { serviceBytes: [{ major: 8, minor: 0, op: "Read", value: 10 }], serviced: [] },
});
const sample = (read: string, totalNs: number, systemNs: number, limit: number | null = null): StatsSample =>
  ({ read, cgroup: cgroup(totalNs, limit), systemNs, onlineCpus: 2, networks: { lo: {
    rx_bytes: 5, rx_packets: 1, rx_errors: 0, rx_dropped: 0, tx_bytes: 5, tx_packets: 1, tx_errors: 0, tx_dropped: 0 } } });

describe("Docker's stats JSON", () => {
  it("pairs a sample with the one before it, the way the CLI computes CPU % from", () => {
    const pre = sample("2026-01-01T00:00:00Z", 1e9, 100e9);
    const cur = sample("2026-01-01T00:00:01Z", 1.5e9, 102e9, 64 << 20);
    const j = statsJson(rec, cur, pre, 8 * 2 ** 30);
    expect(j).toMatchObject({
      read: "2026-01-01T00:00:01Z", preread: "2026-01-01T00:00:00Z", name: "/web", id: rec.id,
      cpu_stats: { cpu_usage: { total_usage: 1.5e9, percpu_usage: [0.75e9, 0.75e9] }, system_cpu_usage: 102e9, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 1e9 }, system_cpu_usage: 100e9 },
      memory_stats: { usage: 1000, max_usage: 2000, limit: 64 << 20, stats: { total_inactive_file: 100 } },
      pids_stats: { current: 2, limit: 100 },
      blkio_stats: { io_service_bytes_recursive: [{ major: 8, minor: 0, op: "Read", value: 10 }], io_serviced_recursive: null },
      networks: { lo: { rx_bytes: 5 } },
    });
    // the CLI's formula: 0.5 s of 2 s host CPU time on 2 CPUs = 50 %
    const cpuDelta = j.cpu_stats.cpu_usage.total_usage - j.precpu_stats.cpu_usage.total_usage;
    const sysDelta = (j.cpu_stats.system_cpu_usage ?? 0) - (j.precpu_stats.system_cpu_usage ?? 0);
    expect((cpuDelta / sysDelta) * 2 * 100).toBe(50);
  });

  it("shows the host's memory as the limit of an unlimited container, and zeros for one not running", () => {
    expect(statsJson(rec, sample("t", 1, 1, null), null, 8 * 2 ** 30).memory_stats).toMatchObject({ limit: 8 * 2 ** 30 });
    const stopped = statsJson(rec, null, null);
    expect(stopped).toMatchObject({ read: "0001-01-01T00:00:00Z", preread: "0001-01-01T00:00:00Z", memory_stats: {},
      pids_stats: {}, cpu_stats: { cpu_usage: { total_usage: 0 } }, name: "/web" });
    expect(stopped).not.toHaveProperty("networks");
  });

  it("reads the host's CPU time and a network namespace's counters", () => {
    expect(parseSystemCpuNs("cpu  100 0 50 800 10 0 5 7 0 0\ncpu0 1 2 3 4 5 6 7 8 9 10\n")).toBe(965 * 1e7);
    const dev = "Inter-|   Receive                                                |  Transmit\n" +
      " face |bytes    packets errs drop fifo frame compressed multicast|bytes    packets errs drop fifo colls carrier compressed\n" +
      "    lo:    1234      12    0    0    0     0          0         0     1234      12    0    0    0     0       0          0\n" +
      "  eth0: 99 3 1 2 0 0 0 0 77 4 5 6 0 0 0 0\n";
    expect(parseNetDev(dev)).toEqual({
      lo: { rx_bytes: 1234, rx_packets: 12, rx_errors: 0, rx_dropped: 0, tx_bytes: 1234, tx_packets: 12, tx_errors: 0, tx_dropped: 0 },
      eth0: { rx_bytes: 99, rx_packets: 3, rx_errors: 1, rx_dropped: 2, tx_bytes: 77, tx_packets: 4, tx_errors: 5, tx_dropped: 6 },
    });
  });
});
