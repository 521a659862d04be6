import { mkdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { cgroupsFromMounts } from "./index.js";
import { parseCgroupMounts } from "./mounts.js";
import { CgroupsV2 } from "./v2.js";

// this machine's kind of layout: v1 controllers plus a cgroup2 tree at /sys/fs/cgroup/unified
const HYBRID = `
30 25 0:26 / /sys/fs/cgroup ro,nosuid,nodev,noexec shared:9 - tmpfs tmpfs ro,mode=755
31 30 0:27 / /sys/fs/cgroup/unified rw,nosuid,nodev,noexec,relatime shared:10 - cgroup2 cgroup2 rw
32 30 0:28 / /sys/fs/cgroup/systemd rw,nosuid,nodev,noexec,relatime shared:11 - cgroup cgroup rw,xattr,name=systemd
35 30 0:31 / /sys/fs/cgroup/memory rw,nosuid,nodev,noexec,relatime shared:15 - cgroup cgroup rw,memory
36 30 0:32 / /sys/fs/cgroup/cpu,cpuacct rw,nosuid,nodev,noexec,relatime shared:16 - cgroup cgroup rw,cpu,cpuacct
37 30 0:33 / /sys/fs/cgroup/pids rw,nosuid,nodev,noexec,relatime shared:17 - cgroup cgroup rw,pids
`;
const PURE_V2 = "28 22 0:26 / /sys/fs/cgroup rw,nosuid,nodev,noexec,relatime shared:4 - cgroup2 cgroup2 rw,nsdelegate\n";

describe("finding the cgroup hierarchies", () => {
  it("reads v1 controllers and the hybrid unified tree", () => {
    expect(parseCgroupMounts(HYBRID)).toEqual([
      { mountPoint: "/sys/fs/cgroup/unified", fsType: "cgroup2", controllers: [] },
      { mountPoint: "/sys/fs/cgroup/systemd", fsType: "cgroup", controllers: ["name=systemd"] },
      { mountPoint: "/sys/fs/cgroup/memory", fsType: "cgroup", controllers: ["memory"] },
      { mountPoint: "/sys/fs/cgroup/cpu,cpuacct", fsType: "cgroup", controllers: ["cpu", "cpuacct"] },
      { mountPoint: "/sys/fs/cgroup/pids", fsType: "cgroup", controllers: ["pids"] },
    ]);
  });

  it("calls a hybrid layout v1 and a lone cgroup2 tree v2", () => {
    const hybrid = cgroupsFromMounts(parseCgroupMounts(HYBRID));
    expect(hybrid.version).toBe(1);
    expect(hybrid.dirs("/hako-x/c")).toContain("/sys/fs/cgroup/memory/hako-x/c");
    expect(hybrid.dirs("/hako-x/c")).toContain("/sys/fs/cgroup/unified/hako-x/c");
    const v2 = cgroupsFromMounts(parseCgroupMounts(PURE_V2));
    expect(v2.version).toBe(2);
    expect(v2.dirs("/hako-x/c")).toEqual(["/sys/fs/cgroup/hako-x/c"]);
  });
});

describe("cgroup v2, against a directory shaped like a v2 tree", () => {
  let dir: Awaited<ReturnType<typeof tempDir>>;
  beforeEach(async () => {
    dir = await tempDir();
    await writeFile(join(dir.path, "cgroup.controllers"), "cpuset cpu io memory pids\n");
    await mkdir(join(dir.path, "hako-x/limited"), { recursive: true });
    await writeFile(join(dir.path, "hako-x/limited/memory.max"), "33554432\n");
    await mkdir(join(dir.path, "hako-x/free"), { recursive: true });
    await writeFile(join(dir.path, "hako-x/free/memory.max"), "max\n");
  });
  afterEach(() => dir.cleanup());

  it("reads memory limits and removes empty cgroups", async () => {
    const cg = new CgroupsV2(dir.path);
    expect(cg.swapLimit).toBe(true);
    expect(await cg.memoryLimit("/hako-x/limited")).toBe(33554432);
    expect(await cg.memoryLimit("/hako-x/free")).toBeNull();
    expect(await cg.memoryLimit("/hako-x/none")).toBeNull();
    await mkdir(join(dir.path, "hako-x/empty"));
    await cg.remove("/hako-x/empty");
    await cg.remove("/hako-x/never-existed");
  });
});
