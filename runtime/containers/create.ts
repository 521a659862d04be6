/**
 * Turning a `POST /containers/create` body into a container record, with Docker's rules: the image's config supplies
 * what the request leaves out (moby daemon/commit.go merge), the command is entrypoint + cmd, and the host config is
 * validated the way dockerd validates it.
 */
import { randomBytes } from "node:crypto";
import { invalidArgument } from "../errors.js";
import type { ImageConfig } from "../store/image-store.js";
import { normaliseCapability } from "../oci/spec.js";
import {
  initialState, rfc3339Nano, type ContainerConfig, type ContainerRecord, type HostConfig,
} from "./container.js";
import { normaliseDevices } from "./devices.js";
import { normaliseLogConfig } from "./log-config.js";
import { settleRunOptions } from "./run-options.js";

/** The body of `POST /containers/create`: Docker's Config plus HostConfig (and NetworkingConfig, kept as is). */
export interface CreateRequest {
  [key: string]: unknown;
  HostConfig?: Record<string, unknown> | null;
}

/** A new container ID: 64 hex digits whose 12-digit short form is never all digits (Docker avoids those too). */
export function newContainerId(): string {
  for (;;) {
    const id = randomBytes(32).toString("hex");
    if (!/^[0-9]{12}$/.test(id.slice(0, 12))) return id;
  }
}

const str = (v: unknown, field: string): string => {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidArgument(`json: cannot unmarshal ${typeof v} into field ${field} of type string`);
  return v;
};
const bool = (v: unknown): boolean => v === true;
const num = (v: unknown, field: string): number => {
  if (v === undefined || v === null) return 0;
  if (typeof v !== "number" || !Number.isFinite(v)) {
    throw invalidArgument(`json: cannot unmarshal ${typeof v} into field ${field} of type int64`);
  }
  return Math.trunc(v);
};

/** Docker accepts a command as a list, or (from some clients) as one string. */
function strList(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (typeof v === "string") return [v];
  if (Array.isArray(v) && v.every((x) => typeof x === "string")) return v as string[];
  throw invalidArgument(`json: cannot unmarshal ${Array.isArray(v) ? "array" : typeof v} into field ${field}`);
}

function envKey(e: string): string {
  const i = e.indexOf("=");
  return i < 0 ? e : e.slice(0, i);
}

/** Docker's merge of the user's env with the image's: the user's first, then the image's keys the user left out. */
export function mergeEnv(user: string[], image: string[]): string[] {
  if (user.length === 0) return [...image];
  const keys = new Set(user.map(envKey));
  return [...user, ...image.filter((e) => !keys.has(envKey(e)))];
}

/** Replaces variables of `base` that `overrides` sets, appends the rest (Docker's ReplaceOrAppendEnvValues). */
export function replaceOrAppendEnv(base: string[], overrides: string[]): string[] {
  const out = [...base];
  for (const o of overrides) {
    const k = envKey(o);
    const i = out.findIndex((e) => envKey(e) === k);
    if (!o.includes("=")) {
      // "KEY" alone unsets it (Docker removes variables given without a value)
      if (i >= 0) out.splice(i, 1);
      continue;
    }
    if (i >= 0) out[i] = o;
    else out.push(o);
  }
  return out;
}

export function mergeConfig(req: CreateRequest, image: ImageConfig, id: string): ContainerConfig {
  const ic = image.config ?? {};
  const userEntrypoint = strList(req.Entrypoint, "Config.Entrypoint");
  const userCmd = strList(req.Cmd, "Config.Cmd");
  let entrypoint = userEntrypoint;
  let cmd = userCmd;
  if (!userEntrypoint || userEntrypoint.length === 0) {
    if (!userCmd || userCmd.length === 0) cmd = ic.Cmd ?? null;
    if (userEntrypoint === null) entrypoint = ic.Entrypoint ?? null;
  }
  // `--entrypoint ""` arrives as [""]: it clears the image's entrypoint (dockerd resets it after the merge)
  if (entrypoint && entrypoint.length === 1 && entrypoint[0] === "") entrypoint = null;
  const labels = req.Labels ?? null;
  if (labels !== null && (typeof labels !== "object" || Array.isArray(labels))) {
    throw invalidArgument("json: cannot unmarshal Config.Labels: want an object of strings");
  }
  const env = strList(req.Env, "Config.Env") ?? [];
  const config: ContainerConfig = {
    ...req,
    Hostname: str(req.Hostname, "Config.Hostname") || id.slice(0, 12),
    Domainname: str(req.Domainname, "Config.Domainname"),
    User: str(req.User, "Config.User") || ic.User || "",
    AttachStdin: bool(req.AttachStdin),
    AttachStdout: bool(req.AttachStdout),
    AttachStderr: bool(req.AttachStderr),
    Tty: bool(req.Tty),
    OpenStdin: bool(req.OpenStdin),
    StdinOnce: bool(req.StdinOnce),
    Env: mergeEnv(env, ic.Env ?? []),
    Cmd: cmd,
    Image: str(req.Image, "Config.Image"),
    WorkingDir: str(req.WorkingDir, "Config.WorkingDir") || ic.WorkingDir || "",
    Entrypoint: entrypoint,
    Labels: { ...(ic.Labels ?? {}), ...((labels as Record<string, string> | null) ?? {}) },
  };
  delete (config as Record<string, unknown>).HostConfig;
  delete (config as Record<string, unknown>).NetworkingConfig;
  if (!config.StopSignal && ic.StopSignal) config.StopSignal = ic.StopSignal;
  if (ic.ExposedPorts || req.ExposedPorts) {
    config.ExposedPorts = { ...(ic.ExposedPorts ?? {}), ...((req.ExposedPorts as object | undefined) ?? {}) };
  }
  if (ic.Volumes || req.Volumes) config.Volumes = { ...(ic.Volumes ?? {}), ...((req.Volumes as object | undefined) ?? {}) };
  if (config.WorkingDir && !config.WorkingDir.startsWith("/")) {
    throw invalidArgument(`the working directory '${config.WorkingDir}' is invalid, it needs to be an absolute path`);
  }
  return config;
}

const MIN_MEMORY = 6 * 1024 * 1024;

/** Fills in Docker's defaults and refuses what dockerd refuses. `swapLimit`: whether the host can limit swap. */
export function normaliseHostConfig(raw: Record<string, unknown> | null | undefined, swapLimit: boolean): HostConfig {
  const h = raw ?? {};
  const memory = num(h.Memory, "HostConfig.Memory");
  let memorySwap = num(h.MemorySwap, "HostConfig.MemorySwap");
  if (memory < 0) throw invalidArgument("invalid memory limit");
  if (memory > 0 && memory < MIN_MEMORY) throw invalidArgument("Minimum memory limit allowed is 6MB");
  if (memory > 0 && memorySwap > 0 && memorySwap < memory) {
    throw invalidArgument("Minimum memoryswap limit should be larger than memory limit, see usage");
  }
  if (memory === 0 && memorySwap > 0) {
    throw invalidArgument("You should always set the Memory limit when using Memoryswap limit, see usage");
  }
  // like dockerd: with a memory limit and no swap setting, allow as much swap again (when swap can be limited)
  if (memory > 0 && memorySwap === 0 && swapLimit) memorySwap = memory * 2;
  const pidsLimit = h.PidsLimit === undefined || h.PidsLimit === null ? null : num(h.PidsLimit, "HostConfig.PidsLimit");
  const capAdd = strList(h.CapAdd, "HostConfig.CapAdd");
  const capDrop = strList(h.CapDrop, "HostConfig.CapDrop");
  for (const cap of [...(capAdd ?? []), ...(capDrop ?? [])]) normaliseCapability(cap);
  const ulimits = h.Ulimits === undefined || h.Ulimits === null ? null : h.Ulimits;
  if (ulimits !== null && !Array.isArray(ulimits)) throw invalidArgument("HostConfig.Ulimits must be a list");
  const shmSize = num(h.ShmSize, "HostConfig.ShmSize");
  if (shmSize < 0) throw invalidArgument("SHM size can not be less than 0");
  const nanoCpus = num(h.NanoCpus, "HostConfig.NanoCpus");
  const cpuQuota = num(h.CpuQuota, "HostConfig.CpuQuota");
  const cpuPeriod = num(h.CpuPeriod, "HostConfig.CpuPeriod");
  if (nanoCpus > 0 && (cpuQuota > 0 || cpuPeriod > 0)) {
    throw invalidArgument("Conflicting options: Nano CPUs and CPU Period cannot both be set");
  }
  const restart = (h.RestartPolicy as { Name?: string } | undefined)?.Name ?? "";
  if (bool(h.AutoRemove) && restart !== "" && restart !== "no") {
    throw invalidArgument("can't create 'AutoRemove' container with restart policy");
  }
  return {
    Binds: null,
    ContainerIDFile: "",
    NetworkMode: "default",
    PortBindings: {},
    RestartPolicy: { Name: "no", MaximumRetryCount: 0 },
    VolumeDriver: "",
    VolumesFrom: null,
    CgroupnsMode: "private",
    Dns: [],
    DnsOptions: [],
    DnsSearch: [],
    ExtraHosts: null,
    GroupAdd: null,
    IpcMode: "private",
    Cgroup: "",
    Links: null,
    OomScoreAdj: 0,
    PidMode: "",
    PublishAllPorts: false,
    SecurityOpt: null,
    UTSMode: "",
    UsernsMode: "",
    Runtime: "", // the engine's choice (containers/manager.ts, oci/runtimes.ts chooseRuntime)
    Isolation: "",
    CgroupParent: "",
    BlkioWeight: 0,
    CpusetCpus: "",
    CpusetMems: "",
    OomKillDisable: false,
    MemorySwappiness: null,
    ...h,
    LogConfig: normaliseLogConfig(h.LogConfig),
    Memory: memory,
    MemorySwap: memorySwap,
    MemoryReservation: num(h.MemoryReservation, "HostConfig.MemoryReservation"),
    NanoCpus: nanoCpus,
    CpuShares: num(h.CpuShares, "HostConfig.CpuShares"),
    CpuPeriod: cpuPeriod,
    CpuQuota: cpuQuota,
    PidsLimit: pidsLimit,
    AutoRemove: bool(h.AutoRemove),
    Privileged: bool(h.Privileged),
    ReadonlyRootfs: bool(h.ReadonlyRootfs),
    CapAdd: capAdd,
    CapDrop: capDrop,
    Devices: normaliseDevices(h.Devices),
    Ulimits: ulimits as HostConfig["Ulimits"],
    ShmSize: shmSize > 0 ? shmSize : 64 * 1024 * 1024,
  } as HostConfig;
}

/** Builds the record of a new container (not yet stored). */
export function newRecord(args: {
  id: string;
  name: string;
  request: CreateRequest;
  imageId: string;
  image: ImageConfig;
  swapLimit: boolean;
}): ContainerRecord {
  const config = mergeConfig(args.request, args.image, args.id);
  const hostConfig = normaliseHostConfig(args.request.HostConfig, args.swapLimit);
  const command = [...(config.Entrypoint ?? []), ...(config.Cmd ?? [])];
  if (command.length === 0 || command[0] === "") throw invalidArgument("No command specified");
  const { mounts } = settleRunOptions(args.request, config, hostConfig, args.image);
  return {
    id: args.id,
    name: args.name,
    created: rfc3339Nano(),
    path: command[0] as string,
    args: command.slice(1),
    imageId: args.imageId,
    config,
    hostConfig,
    state: initialState(),
    restartCount: 0,
    mounts,
    ...(args.request.NetworkingConfig ? { networkingConfig: args.request.NetworkingConfig } : {}),
  };
}
