/**
 * The run options checked and settled at create (beside create.ts's own): network mode, restart policy, stop signal
 * and timeout, health check, security options, init, and the mounts (volumes/mount-spec.ts). Everything refused here
 * is refused before anything of the container exists, with dockerd's message.
 *
 * Network modes: `host` shares the host's network namespace, /etc/hosts and /etc/resolv.conf, and names the container
 * after the host; every other mode (`none`, `default`/`bridge`, a network's name, `container:<id>`) is a private
 * namespace that the network hooks (network/hooks.ts) check at create and wire at each start.
 */
import { hostname } from "node:os";
import { invalidArgument } from "../errors.js";
import type { ImageConfig } from "../store/image-store.js";
import { parseSecurityOpts } from "../security/security-opts.js";
import { planMounts, type ContainerMount } from "../volumes/mount-spec.js";
import type { ContainerConfig, HostConfig } from "./container.js";
import { mergeHealthcheck } from "./health-config.js";
import { normaliseRestartPolicy } from "./restart-policy.js";
import { parseSignal } from "./signals.js";

export type NetworkModeKind = "private" | "host";

/** What a network mode means for the spec: the host's namespace, or a private one (network/hooks.ts wires it). */
export function networkModeKind(mode: unknown): NetworkModeKind {
  const m = mode === undefined || mode === null ? "" : mode;
  if (typeof m !== "string") throw invalidArgument("HostConfig.NetworkMode must be a string");
  if (m === "" || m === "default" || m === "bridge" || m === "none") return "private";
  if (m === "host") return "host";
  if (m === "container:") throw invalidArgument(`invalid network mode: ${m}`);
  return "private";
}

function stringList(v: unknown, field: string): string[] | null {
  if (v === undefined || v === null) return null;
  if (!Array.isArray(v) || !v.every((x) => typeof x === "string")) throw invalidArgument(`${field} must be a list of strings`);
  return v as string[];
}

/**
 * Checks the run options of a new container and settles what depends on them (the restart policy's normal form, the
 * merged health check, the hostname under `--network host`); returns its mounts.
 */
export function settleRunOptions(req: Record<string, unknown>, config: ContainerConfig, hostConfig: HostConfig,
  image: ImageConfig): { mounts: ContainerMount[] } {
  const netKind = networkModeKind(hostConfig.NetworkMode);
  if (netKind === "host" && !req.Hostname) config.Hostname = hostname();
  hostConfig.RestartPolicy = normaliseRestartPolicy(hostConfig.RestartPolicy);
  if (config.StopSignal) parseSignal(config.StopSignal);
  if (config.StopTimeout !== undefined && config.StopTimeout !== null
    && (typeof config.StopTimeout !== "number" || !Number.isInteger(config.StopTimeout))) {
    throw invalidArgument("Config.StopTimeout must be an integer (seconds)");
  }
  const health = mergeHealthcheck(req.Healthcheck, (image.config as Record<string, unknown> | undefined)?.Healthcheck);
  if (health) config.Healthcheck = health;
  else delete config.Healthcheck;
  parseSecurityOpts(hostConfig.SecurityOpt);
  if (hostConfig.Init !== undefined && hostConfig.Init !== null && typeof hostConfig.Init !== "boolean") {
    throw invalidArgument("HostConfig.Init must be a boolean");
  }
  stringList(hostConfig.MaskedPaths, "HostConfig.MaskedPaths");
  stringList(hostConfig.ReadonlyPaths, "HostConfig.ReadonlyPaths");
  const mounts = planMounts({ binds: hostConfig.Binds, mounts: hostConfig.Mounts, tmpfs: hostConfig.Tmpfs,
    volumes: config.Volumes });
  return { mounts };
}
