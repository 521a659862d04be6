/**
 * `update`: new resource limits and restart policy for a container, with dockerd's validation and wording. The record
 * changes in every state; a running (or paused) container's cgroup gets the new limits at once.
 */
import { conflict, internal, invalidArgument, notFound } from "../errors.js";
import type { LiveLimits } from "../cgroups/cgroups.js";
import { containerEvent } from "../events/container-events.js";
import { isRunning, type HostConfig } from "./container.js";
import { serialise } from "./live.js";
import type { ManagerState } from "./manager-state.js";

/** The body of `POST /containers/{id}/update` (Docker's UpdateConfig: Resources plus RestartPolicy). */
export interface UpdateRequest {
  Memory?: number;
  MemorySwap?: number;
  MemoryReservation?: number;
  NanoCpus?: number;
  CpuShares?: number;
  CpuPeriod?: number;
  CpuQuota?: number;
  PidsLimit?: number | null;
  RestartPolicy?: { Name?: string; MaximumRetryCount?: number };
  [key: string]: unknown;
}

const MIN_MEMORY = 6 * 1024 * 1024;
const POLICIES = ["", "no", "always", "unless-stopped", "on-failure"];

function int(v: unknown, field: string): number {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isInteger(v)) {
    throw invalidArgument(`json: cannot unmarshal ${typeof v} into Go struct field UpdateConfig.${field} of type int64`);
  }
  return v;
}

/** Applies `req` to the host config like moby's container.UpdateContainer; returns the limits to write. */
export function mergeUpdate(h: HostConfig, req: UpdateRequest): LiveLimits {
  const memory = int(req.Memory, "Memory");
  const memorySwap = int(req.MemorySwap, "MemorySwap");
  const reservation = int(req.MemoryReservation, "MemoryReservation");
  const nanoCpus = int(req.NanoCpus, "NanoCpus");
  const shares = int(req.CpuShares, "CpuShares");
  const period = int(req.CpuPeriod, "CpuPeriod");
  const quota = int(req.CpuQuota, "CpuQuota");
  if (memory < 0 || (memory > 0 && memory < MIN_MEMORY)) throw invalidArgument("Minimum memory limit allowed is 6MB");
  if (memorySwap > 0 && memorySwap < (memory || h.Memory)) {
    throw invalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  if (nanoCpus < 0) throw invalidArgument("Range of CPUs is from 0.01 to the number of CPUs available on the system");
  if (nanoCpus > 0 && (period > 0 || quota > 0)) {
    throw invalidArgument("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  }
  if (nanoCpus > 0 && h.CpuPeriod > 0) {
    throw invalidArgument("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
  }
  if (nanoCpus > 0 && h.CpuQuota > 0) {
    throw invalidArgument("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
  }
  if (period > 0 && h.NanoCpus > 0) {
    throw invalidArgument("Conflicting options: CPU Period cannot be updated as NanoCPUs has already been set");
  }
  if (quota > 0 && h.NanoCpus > 0) {
    throw invalidArgument("Conflicting options: CPU Quota cannot be updated as NanoCPUs has already been set");
  }
  if (memory > 0 && memorySwap === 0 && h.MemorySwap > 0 && memory > h.MemorySwap) {
    throw invalidArgument("Memory limit should be smaller than already set memoryswap limit, update the memoryswap " +
      "at the same time");
  }
  const policy = req.RestartPolicy;
  if (policy && typeof policy === "object" && policy.Name) {
    const name = String(policy.Name);
    const retries = int(policy.MaximumRetryCount, "RestartPolicy.MaximumRetryCount");
    if (!POLICIES.includes(name)) throw invalidArgument(`invalid restart policy '${name}'`);
    if (retries < 0) throw invalidArgument("maximum retry count cannot be negative");
    if (retries > 0 && name !== "on-failure") {
      throw invalidArgument(`maximum retry count cannot be used with restart policy '${name}'`);
    }
    if (h.AutoRemove && name !== "no") {
      throw invalidArgument("Restart policy cannot be updated because AutoRemove is enabled for the container");
    }
  }

  const limits: LiveLimits = {};
  if (memory !== 0) limits.memory = h.Memory = memory;
  if (memorySwap !== 0) limits.memorySwap = h.MemorySwap = memorySwap;
  if (reservation !== 0) limits.memoryReservation = h.MemoryReservation = reservation;
  if (shares !== 0) limits.cpuShares = h.CpuShares = shares;
  if (nanoCpus !== 0) {
    h.NanoCpus = nanoCpus;
    limits.cpuPeriod = 100_000;
    limits.cpuQuota = Math.round((nanoCpus * 100_000) / 1e9);
  }
  if (period !== 0) limits.cpuPeriod = h.CpuPeriod = period;
  if (quota !== 0) limits.cpuQuota = h.CpuQuota = quota;
  if (req.PidsLimit !== undefined && req.PidsLimit !== null) {
    const pids = int(req.PidsLimit, "PidsLimit");
    h.PidsLimit = pids;
    limits.pidsLimit = pids;
  }
  if (policy && typeof policy === "object" && policy.Name) {
    h.RestartPolicy = { Name: String(policy.Name), MaximumRetryCount: int(policy.MaximumRetryCount, "") };
  }
  return limits;
}

export function updateContainer(m: ManagerState, ref: string, req: UpdateRequest): Promise<{ warnings: string[] }> {
  const live = m.registry.find(ref);
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${ref}`);
    const rec = live.record;
    if (rec.state.status === "removing" || rec.state.status === "dead") {
      throw conflict(`Container ${rec.id} is marked for removal and cannot be "update"`);
    }
    const next: HostConfig = structuredClone(rec.hostConfig);
    const limits = mergeUpdate(next, req);
    if (isRunning(rec) && Object.keys(limits).length > 0) {
      try {
        await m.deps.cgroups.update(m.deps.layout.cgroupPath(rec.id), limits);
      } catch (err) {
        throw internal(`Cannot update container ${rec.id}: ${(err as Error).message}`, err);
      }
    }
    rec.hostConfig = next;
    await m.deps.store.save(rec);
    m.deps.events?.publish(containerEvent(rec, "update"));
    const warnings: string[] = [];
    if (limits.memorySwap !== undefined && !m.deps.cgroups.swapLimit) {
      warnings.push("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
    }
    return { warnings };
  });
}
