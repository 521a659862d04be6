/**
 * The dashboard's host panel: what the engine's host has (`GET /info`: CPUs, memory, OS) and how much of it the
 * running containers use together (each one's `GET /containers/{id}/stats?stream=false`, summed). Usage is the
 * containers' share, not the whole machine's: the Docker API does not report host load.
 */
import { engineCall, type Engine } from "../../engine/client";
import { statsSample, type StatsSample } from "../containers/stats-sample";

/** Past this many running containers the panel samples the first ones and says so. */
const MAX_SAMPLED = 50;

export interface HostUsage {
  name: string;
  operatingSystem: string;
  kernel: string;
  cpus: number;
  memoryTotal: number;
  /** percentage of all the host's CPUs (0–100) used by the sampled containers */
  cpuPercent: number;
  memoryUsage: number;
  running: number;
  sampled: number;
  /** containers whose stats could not be read (e.g. an engine without the stats endpoint) */
  unreadable: number;
  /** the engine's reason for the first unreadable one */
  unreadableReason: string | null;
}

export async function hostUsage(target: Engine): Promise<HostUsage> {
  const [info, running] = await Promise.all([
    engineCall(target, (docker) => docker.info() as Promise<Record<string, unknown>>),
    engineCall(target, (docker) => docker.listContainers({ filters: { status: ["running"] } })),
  ]);
  const picked = running.slice(0, MAX_SAMPLED);
  const results = await Promise.allSettled(
    picked.map((c) => engineCall(target, (docker) => docker.getContainer(c.Id).stats({ stream: false })).then(statsSample)),
  );
  const samples = results.flatMap((r) => (r.status === "fulfilled" ? [r.value] : []));
  const failed = results.find((r): r is PromiseRejectedResult => r.status === "rejected");
  const cpus = Number(info.NCPU) || 1;
  return {
    name: String(info.Name ?? ""),
    operatingSystem: String(info.OperatingSystem ?? ""),
    kernel: String(info.KernelVersion ?? ""),
    cpus,
    memoryTotal: Number(info.MemTotal) || 0,
    cpuPercent: sumCpu(samples) / cpus,
    memoryUsage: samples.reduce((sum, s) => sum + s.memoryUsage, 0),
    running: running.length,
    sampled: samples.length,
    unreadable: picked.length - samples.length,
    unreadableReason: failed ? String((failed.reason as Error).message ?? failed.reason) : null,
  };
}

function sumCpu(samples: StatsSample[]): number {
  return Math.round(samples.reduce((sum, s) => sum + s.cpuPercent, 0) * 100) / 100;
}
