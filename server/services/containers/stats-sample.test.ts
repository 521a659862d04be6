import { describe, expect, it } from "vitest";
import { statsSample } from "./stats-sample";

describe("a stats sample, computed as docker stats does", () => {
  it("gives CPU % relative to one CPU and memory without the reclaimable cache (cgroup v1)", () => {
    const sample = statsSample({
      read: "2026-01-02T03:04:05.000000000Z",
      cpu_stats: { cpu_usage: { total_usage: 3_000_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 20_000_000_000, online_cpus: 2 },
      precpu_stats: { cpu_usage: { total_usage: 2_000_000_000, percpu_usage: [1, 2] }, system_cpu_usage: 18_000_000_000, online_cpus: 2 },
      memory_stats: { usage: 50_000_000, limit: 100_000_000, stats: { total_inactive_file: 10_000_000 } },
      pids_stats: { current: 3 },
      networks: { eth0: { rx_bytes: 100, tx_bytes: 200 } },
      blkio_stats: { io_service_bytes_recursive: [{ op: "Read", value: 4096 }, { op: "Write", value: 8192 }] },
    });
    // (1e9 / 2e9) × 2 CPUs × 100
    expect(sample).toMatchObject({ cpuPercent: 100, onlineCpus: 2, memoryUsage: 40_000_000, memoryLimit: 100_000_000, pids: 3, netRx: 100, netTx: 200, blockRead: 4096, blockWrite: 8192 });
    expect(sample.time).toBe("2026-01-02T03:04:05.000000000Z");
  });

  it("reads cgroup v2's inactive_file, and shows 0 % for a first read without a previous one", () => {
    const sample = statsSample({
      read: "0001-01-01T00:00:00Z",
      cpu_stats: { cpu_usage: { total_usage: 5 }, system_cpu_usage: 10 },
      memory_stats: { usage: 30, limit: 0, stats: { inactive_file: 10 } },
    });
    expect(sample.cpuPercent).toBe(0);
    expect(sample.memoryUsage).toBe(20);
    expect(sample.pids).toBe(0);
    expect(Date.parse(sample.time)).not.toBeNaN();
  });
});
