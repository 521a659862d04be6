import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { parseBlkioV1 } from "./stats-v1.js";
import { parseIoStat, readStatsV2 } from "./stats-v2.js";
import { CgroupsV2 } from "./v2.js";

describe("cgroup v2 stats, against a directory shaped like a v2 cgroup", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  const cg = "hako-x/c1";
  beforeEach(async () => {
    dir = await tempDir();
    await writeFile(join(dir.path, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    const c = join(dir.path, cg);
    await mkdir(c, { recursive: true });
    await writeFile(join(c, "cpu.stat"), "usage_usec 1500000\nuser_usec 1000000\nsystem_usec 500000\n" +
      "nr_periods 10\nnr_throttled 2\nthrottled_usec 3000\n");
    await writeFile(join(c, "memory.current"), "10485760\n");
    await writeFile(join(c, "memory.max"), "67108864\n");
    await writeFile(join(c, "memory.stat"), "anon 4194304\nfile 6291456\ninactive_file 2097152\nactive_file 4194304\n");
    await writeFile(join(c, "pids.current"), "3\n");
    await writeFile(join(c, "pids.max"), "max\n");
    await writeFile(join(c, "io.stat"), "8:0 rbytes=4096 wbytes=8192 rios=1 wios=2 dbytes=0 dios=0\n" +
      "253:1 rbytes=0 wbytes=512 rios=0 wios=1 dbytes=0 dios=0\n");
  });
  afterEach(() => dir.cleanup());

  it("reads CPU, memory, pids and I/O in the kernel's units made Docker's", async () => {
    const s = await new CgroupsV2(dir.path).stats(`/${cg}`);
    expect(s).toEqual({
      cpu: {
        totalNs: 1_500_000_000, kernelNs: 500_000_000, userNs: 1_000_000_000,
        throttling: { periods: 10, throttledPeriods: 2, throttledTimeNs: 3_000_000 },
      },
      memory: {
        usage: 10485760, limit: 67108864,
        stats: { anon: 4194304, file: 6291456, inactive_file: 2097152, active_file: 4194304 },
      },
      pids: { current: 3, limit: null },
      blkio: {
        serviceBytes: [
          { major: 8, minor: 0, op: "read", value: 4096 }, { major: 8, minor: 0, op: "write", value: 8192 },
          { major: 253, minor: 1, op: "read", value: 0 }, { major: 253, minor: 1, op: "write", value: 512 },
        ],
        serviced: [
          { major: 8, minor: 0, op: "read", value: 1 }, { major: 8, minor: 0, op: "write", value: 2 },
          { major: 253, minor: 1, op: "read", value: 0 }, { major: 253, minor: 1, op: "write", value: 1 },
        ],
      },
    });
  });

  it("says unlimited memory as null, the peak where the kernel has one, and nothing for a cgroup that is gone", async () => {
    await writeFile(join(dir.path, cg, "memory.max"), "max\n");
    await writeFile(join(dir.path, cg, "memory.peak"), "20971520\n");
    const s = await readStatsV2(join(dir.path, cg));
    expect(s?.memory.limit).toBeNull();
    expect(s?.memory.maxUsage).toBe(20971520);
    expect(await readStatsV2(join(dir.path, "hako-x/gone"))).toBeNull();
  });

  it("reads io.stat lines without every key", () => {
    expect(parseIoStat("8:16 rbytes=1 wios=4\n\n").serviced).toEqual([
      { major: 8, minor: 16, op: "read", value: 0 }, { major: 8, minor: 16, op: "write", value: 4 },
    ]);
  });
});

describe("cgroup v1 block I/O files", () => {
  it("keep the device lines and leave out the total", () => {
    expect(parseBlkioV1("8:0 Read 4096\n8:0 Write 512\n8:0 Sync 0\n8:0 Async 4608\n8:0 Total 4608\nTotal 4608\n"))
      .toEqual([
        { major: 8, minor: 0, op: "Read", value: 4096 }, { major: 8, minor: 0, op: "Write", value: 512 },
        { major: 8, minor: 0, op: "Sync", value: 0 }, { major: 8, minor: 0, op: "Async", value: 4608 },
        { major: 8, minor: 0, op: "Total", value: 4608 },
      ]);
    expect(parseBlkioV1(null)).toEqual([]);
  });
});
