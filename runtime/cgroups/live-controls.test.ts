/**
 * Freezing and live limits against directories shaped like a cgroup v2 tree and a v1 hierarchy (plain files, not a
 * real cgroup: the kernel's side — reaching the frozen state — is written by the test). The real v1 freezer and
 * limits are exercised by runtime/integration/lifecycle.test.ts.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { tempDir } from "../testing/temp.js";
import { freezeV1, freezeV2 } from "./freezer.js";
import { applyLimitsV1, applyLimitsV2, sharesToWeight } from "./limits.js";

let dir: { path: string; cleanup(): Promise<void> };
beforeEach(async () => {
  dir = await tempDir("hako-cgroup-shaped-");
});
afterEach(async () => {
  await dir.cleanup();
});
const read = async (file: string): Promise<string> => (await readFile(join(dir.path, file), "utf8")).trim();

describe("the freezer (directory shaped like a cgroup)", () => {
  it("v2: writes cgroup.freeze and waits for cgroup.events to say frozen", async () => {
    await writeFile(join(dir.path, "cgroup.events"), "populated 1\nfrozen 1\n");
    await freezeV2(dir.path, true);
    expect(await read("cgroup.freeze")).toBe("1");
    await writeFile(join(dir.path, "cgroup.events"), "populated 1\nfrozen 0\n");
    await freezeV2(dir.path, false);
    expect(await read("cgroup.freeze")).toBe("0");
  });

  it("v1: writes FROZEN/THAWED to freezer.state and waits until it reads back", async () => {
    await writeFile(join(dir.path, "freezer.state"), "THAWED\n");
    await freezeV1(dir.path, true);
    expect(await read("freezer.state")).toBe("FROZEN");
    await freezeV1(dir.path, false);
    expect(await read("freezer.state")).toBe("THAWED");
  });

  it("thawing a cgroup that is gone (the container died of its signal) is not an error; freezing one is", async () => {
    await expect(freezeV1(join(dir.path, "gone"), false)).resolves.toBeUndefined();
    await expect(freezeV2(join(dir.path, "gone"), false)).resolves.toBeUndefined();
    await expect(freezeV2(join(dir.path, "gone"), true)).rejects.toThrow(/freezing the container's cgroup/);
  });
});

describe("live limits (docker update)", () => {
  it("v2: memory.max, memory.swap.max as swap alone, cpu.weight from shares, cpu.max, pids.max", async () => {
    await writeFile(join(dir.path, "cpu.max"), "max 100000\n");
    await applyLimitsV2(dir.path, { memory: 64 << 20, memorySwap: 128 << 20, cpuShares: 512, cpuQuota: 50_000,
      cpuPeriod: 100_000, pidsLimit: 0 });
    expect(await read("memory.max")).toBe(String(64 << 20));
    expect(await read("memory.swap.max")).toBe(String(64 << 20));
    expect(await read("cpu.weight")).toBe(String(sharesToWeight(512)));
    expect(await read("cpu.max")).toBe("50000 100000");
    expect(await read("pids.max")).toBe("max");
    // unlimited swap, and a quota alone keeps the period
    await applyLimitsV2(dir.path, { memorySwap: -1, cpuQuota: 20_000 });
    expect(await read("memory.swap.max")).toBe("max");
    expect(await read("cpu.max")).toBe("20000 100000");
  });

  it("runc's shares → weight conversion", () => {
    expect([sharesToWeight(2), sharesToWeight(1024), sharesToWeight(262144)]).toEqual([1, 39, 10000]);
  });

  it("v1: memory, memsw, cpu.shares and pids.max in their hierarchies", async () => {
    for (const c of ["memory", "cpu", "pids"]) await mkdir(join(dir.path, c));
    await writeFile(join(dir.path, "memory", "memory.memsw.limit_in_bytes"), String(32 << 20));
    await applyLimitsV1((c) => join(dir.path, c), { memory: 64 << 20, memorySwap: 128 << 20, cpuShares: 512, pidsLimit: 50 });
    expect(await read("memory/memory.memsw.limit_in_bytes")).toBe(String(128 << 20));
    expect(await read("memory/memory.limit_in_bytes")).toBe(String(64 << 20));
    expect(await read("cpu/cpu.shares")).toBe("512");
    expect(await read("pids/pids.max")).toBe("50");
  });
});
