import { describe, expect, it } from "vitest";
import { normaliseHostConfig } from "./create.js";
import { mergeUpdate } from "./update.js";

const MB = 1024 * 1024;
const host = (raw: Record<string, unknown> = {}) => normaliseHostConfig(raw, true);

describe("docker update's merge and validation (moby container.UpdateContainer)", () => {
  it("changes only what is given and returns the limits to write", () => {
    const h = host({ Memory: 32 * MB });
    const limits = mergeUpdate(h, { Memory: 48 * MB, CpuShares: 512, PidsLimit: 100 });
    expect(limits).toEqual({ memory: 48 * MB, cpuShares: 512, pidsLimit: 100 });
    expect([h.Memory, h.MemorySwap, h.CpuShares, h.PidsLimit]).toEqual([48 * MB, 64 * MB, 512, 100]);
  });

  it("turns NanoCpus into a CFS quota over a 100 ms period", () => {
    expect(mergeUpdate(host(), { NanoCpus: 1.5e9 })).toEqual({ cpuPeriod: 100_000, cpuQuota: 150_000 });
  });

  it("refuses what dockerd refuses, in its words", () => {
    expect(() => mergeUpdate(host(), { Memory: MB })).toThrow("Minimum memory limit allowed is 6MB");
    expect(() => mergeUpdate(host({ Memory: 32 * MB }), { Memory: 100 * MB }))
      .toThrow("Memory limit should be smaller than already set memoryswap limit, update the memoryswap at the same time");
    expect(() => mergeUpdate(host(), { Memory: 64 * MB, MemorySwap: 32 * MB }))
      .toThrow("Minimum memoryswap limit should be larger than memory limit, see usage");
    expect(() => mergeUpdate(host({ NanoCpus: 1e9 }), { CpuQuota: 1000 }))
      .toThrow("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
    expect(() => mergeUpdate(host({ CpuPeriod: 50_000 }), { NanoCpus: 1e9 }))
      .toThrow("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
    expect(() => mergeUpdate(host(), { RestartPolicy: { Name: "sometimes" } })).toThrow("invalid restart policy 'sometimes'");
    expect(() => mergeUpdate(host(), { RestartPolicy: { Name: "always", MaximumRetryCount: 3 } }))
      .toThrow("maximum retry count cannot be used with restart policy 'always'");
    expect(() => mergeUpdate(host({ AutoRemove: true }), { RestartPolicy: { Name: "always" } }))
      .toThrow("Restart policy cannot be updated because AutoRemove is enabled for the container");
    expect(() => mergeUpdate(host(), { Memory: "lots" as unknown as number })).toThrow(/cannot unmarshal string/);
  });

  it("a refused update leaves the host config as it was", () => {
    const h = host({ Memory: 32 * MB });
    const before = structuredClone(h);
    expect(() => mergeUpdate(h, { CpuShares: 512, Memory: MB })).toThrow();
    expect(h).toEqual(before);
  });
});
