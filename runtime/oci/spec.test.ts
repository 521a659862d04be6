import { describe, expect, it } from "vitest";
import {
  ALL_CAPABILITIES, buildSpec, DEFAULT_CAPABILITIES, effectiveCapabilities, MASKED_PATHS, READONLY_PATHS, type SpecInput,
} from "./spec.js";

const input = (over: Partial<SpecInput> = {}): SpecInput => ({
  id: "c".repeat(64),
  rootfs: "/data/containers/c/bundle/rootfs",
  readonlyRootfs: false,
  hostname: "cccccccccccc",
  args: ["sh", "-c", "true"],
  env: ["PATH=/bin", "HOSTNAME=cccccccccccc"],
  cwd: "/",
  user: { uid: 0, gid: 0, additionalGids: [0, 10] },
  terminal: false,
  cgroupsPath: "/hako-0123456789ab/ccc",
  resources: { memory: 0, memorySwap: 0, memoryReservation: 0, pidsLimit: null, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0, nanoCpus: 0 },
  capAdd: [],
  capDrop: [],
  privileged: false,
  engineCapabilities: ALL_CAPABILITIES.filter((c) => c !== "CAP_SYS_RESOURCE"),
  hostHardLimits: { nofile: 20000, nproc: 96365 },
  ulimits: [],
  shmSize: 64 * 1024 * 1024,
  extraMounts: [],
  ...over,
});

describe("the OCI runtime spec of a container", () => {
  it("has Docker's defaults: capabilities, masked and read-only paths, namespaces, no_new_privs", () => {
    const spec = buildSpec(input());
    expect(spec.process.capabilities).toEqual({
      bounding: DEFAULT_CAPABILITIES, effective: DEFAULT_CAPABILITIES, permitted: DEFAULT_CAPABILITIES,
    });
    expect(DEFAULT_CAPABILITIES).toHaveLength(14);
    expect(spec.linux.maskedPaths).toEqual(MASKED_PATHS);
    expect(spec.linux.readonlyPaths).toEqual(READONLY_PATHS);
    expect(spec.linux.namespaces.map((n) => n.type).sort()).toEqual(["cgroup", "ipc", "mount", "network", "pid", "uts"]);
    expect(spec.process.noNewPrivileges).toBe(true);
    expect(spec.linux.cgroupsPath).toBe("/hako-0123456789ab/ccc");
    expect(spec.root).toEqual({ path: "/data/containers/c/bundle/rootfs", readonly: false });
    expect(spec.hostname).toBe("cccccccccccc");
    expect(spec.process.user).toEqual({ uid: 0, gid: 0, additionalGids: [0, 10] });
    expect(spec.process.args).toEqual(["sh", "-c", "true"]);
  });

  it("mounts what runc mounts by default", () => {
    const spec = buildSpec(input());
    expect(spec.mounts.map((m) => [m.destination, m.type])).toEqual([
      ["/proc", "proc"], ["/dev", "tmpfs"], ["/dev/pts", "devpts"], ["/sys", "sysfs"], ["/dev/mqueue", "mqueue"],
      ["/dev/shm", "tmpfs"],
    ]);
    expect(spec.mounts.find((m) => m.destination === "/sys")?.options).toContain("ro");
    expect(spec.mounts.find((m) => m.destination === "/dev/shm")?.options).toContain("size=65536k");
  });

  it("denies devices except Docker's defaults", () => {
    const rules = buildSpec(input()).linux.resources.devices;
    expect(rules[0]).toEqual({ allow: false, access: "rwm" });
    expect(rules).toContainEqual({ allow: true, type: "c", major: 1, minor: 3, access: "rwm" });
  });

  it("sets the memory limit (and swap) from HostConfig", () => {
    const spec = buildSpec(input({ resources: { ...input().resources, memory: 32 << 20, memorySwap: 64 << 20 } }));
    expect(spec.linux.resources.memory).toEqual({ limit: 32 << 20, swap: 64 << 20 });
    expect(buildSpec(input()).linux.resources.memory).toBeUndefined();
  });

  it("sets pids and cpu limits", () => {
    const spec = buildSpec(input({ resources: { ...input().resources, pidsLimit: 8, nanoCpus: 1.5e9, cpuShares: 512 } }));
    expect(spec.linux.resources.pids).toEqual({ limit: 8 });
    expect(spec.linux.resources.cpu).toEqual({ shares: 512, period: 100000, quota: 150000 });
  });

  it("clamps rlimits to the engine's hard limits (no CAP_SYS_RESOURCE here)", () => {
    expect(buildSpec(input()).process.rlimits).toEqual([{ type: "RLIMIT_NOFILE", soft: 20000, hard: 20000 }]);
    const spec = buildSpec(input({ ulimits: [{ Name: "nofile", Soft: 1024, Hard: 4096 }, { Name: "nproc", Soft: 100, Hard: 200 }] }));
    expect(spec.process.rlimits).toEqual([
      { type: "RLIMIT_NOFILE", soft: 1024, hard: 4096 },
      { type: "RLIMIT_NPROC", soft: 100, hard: 200 },
    ]);
  });

  it("refuses unknown ulimits and soft > hard", () => {
    expect(() => buildSpec(input({ ulimits: [{ Name: "bogus", Soft: 1, Hard: 1 }] }))).toThrow("invalid ulimit type: bogus");
    expect(() => buildSpec(input({ ulimits: [{ Name: "nofile", Soft: 2, Hard: 1 }] }))).toThrow(/soft limit/);
  });

  it("gives a non-root user only the bounding set (as execve would)", () => {
    const spec = buildSpec(input({ user: { uid: 1000, gid: 1000, additionalGids: [1000] } }));
    expect(spec.process.capabilities).toEqual({ bounding: DEFAULT_CAPABILITIES, effective: [], permitted: [] });
  });

  it("passes tty and read-only rootfs through", () => {
    const spec = buildSpec(input({ terminal: true, readonlyRootfs: true }));
    expect(spec.process.terminal).toBe(true);
    expect(spec.root.readonly).toBe(true);
  });
});

describe("capabilities (--cap-add / --cap-drop)", () => {
  const engine = ALL_CAPABILITIES.filter((c) => c !== "CAP_SYS_RESOURCE");

  it("adds and drops, in any spelling", () => {
    const caps = effectiveCapabilities(["sys_admin"], ["CAP_NET_RAW", "chown"], engine);
    expect(caps).toContain("CAP_SYS_ADMIN");
    expect(caps).not.toContain("CAP_NET_RAW");
    expect(caps).not.toContain("CAP_CHOWN");
  });

  it("ALL means what the engine holds; a capability outside its bounding set is never granted", () => {
    expect(effectiveCapabilities(["ALL"], [], engine)).toEqual(engine);
    expect(effectiveCapabilities(["ALL"], ["SYS_ADMIN"], engine)).not.toContain("CAP_SYS_ADMIN");
    expect(effectiveCapabilities(["SYS_RESOURCE"], [], engine)).not.toContain("CAP_SYS_RESOURCE");
    expect(effectiveCapabilities([], [], engine, true)).toEqual(engine);
  });

  it("drop ALL keeps only the adds", () => {
    expect(effectiveCapabilities(["KILL"], ["ALL"], engine)).toEqual(["CAP_KILL"]);
  });

  it("refuses unknown capabilities", () => {
    expect(() => effectiveCapabilities(["NOPE"], [], engine)).toThrow('unknown capability: "CAP_NOPE"');
  });
});
