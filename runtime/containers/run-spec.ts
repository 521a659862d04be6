/**
 * The run options' share of a container's OCI spec, applied at each start after buildSpec (oci/spec.ts): its mounts
 * (volumes, binds, tmpfs — replacing a default mount at the same place), the host network, the security options
 * (security/container-security.ts) and `--init`.
 *
 * `--init` works as Docker's does: the engine's static init binary (runtime/init, built with gcc) is bound read-only at
 * /sbin/docker-init and becomes the container's first process, running the command as its child; it forwards signals
 * to it, reaps orphans and exits with its status.
 */
import { existsSync } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { internal } from "../errors.js";
import type { Layout } from "../layout.js";
import type { OciSpec } from "../oci/spec.js";
import { applySecurity, type SecurityDefaults } from "../security/container-security.js";
import type { ContainerMounts } from "../volumes/container-mounts.js";
import type { ContainerRecord } from "./container.js";
import { applyDevices, type DeviceMapping } from "./devices.js";
import { networkModeKind } from "./run-options.js";

export const INIT_PATH_IN_CONTAINER = "/sbin/docker-init";

export function defaultInitPath(): string {
  return process.env.HAKO_INIT ?? fileURLToPath(new URL("../init/out/hako-init", import.meta.url));
}

export interface RunSpecDeps {
  layout: Layout;
  mounts: ContainerMounts;
  security: SecurityDefaults;
  initPath: string;
}

export async function applyRunSpec(deps: RunSpecDeps, rec: ContainerRecord, rootfs: string, spec: OciSpec):
  Promise<void> {
  const h = rec.hostConfig;
  const userMounts = await deps.mounts.ociMounts(rec.mounts ?? [], rootfs);
  const replaced = new Set(userMounts.map((m) => m.destination));
  spec.mounts = [...spec.mounts.filter((m) => !replaced.has(m.destination)), ...userMounts];

  if (networkModeKind(h.NetworkMode) === "host") {
    spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== "network");
    // the host's own files: its names and resolvers (a loopback resolver is the host's here)
    const [hosts, resolv] = await Promise.all([
      readFile("/etc/hosts", "utf8").catch(() => "127.0.0.1\tlocalhost\n"),
      readFile("/etc/resolv.conf", "utf8").catch(() => ""),
    ]);
    await Promise.all([
      writeFile(deps.layout.hostsFile(rec.id), hosts),
      writeFile(deps.layout.resolvConfFile(rec.id), resolv),
    ]);
  }

  applySecurity(spec, { privileged: h.Privileged, securityOpt: h.SecurityOpt, maskedPaths: h.MaskedPaths,
    readonlyPaths: h.ReadonlyPaths }, deps.security);
  await applyDevices(spec, h.Devices as DeviceMapping[] | null | undefined);

  if (h.Init === true) {
    if (!existsSync(deps.initPath)) {
      throw internal(`--init: the init binary ${deps.initPath} is missing (build it: make -C runtime/init)`);
    }
    spec.process.args = [INIT_PATH_IN_CONTAINER, "--", ...spec.process.args];
    spec.mounts.push({ destination: INIT_PATH_IN_CONTAINER, type: "bind", source: deps.initPath,
      options: ["bind", "ro", "rprivate"] });
  }
  // parents before children, as dockerd orders them: a volume at /etc must not hide the /etc/hosts bind
  spec.mounts = spec.mounts.map((m, i) => ({ m, i, depth: depth(m.destination) }))
    .sort((a, b) => a.depth - b.depth || a.i - b.i).map((x) => x.m);
}

function depth(path: string): number {
  return path.split("/").filter(Boolean).length;
}
