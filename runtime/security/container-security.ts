/**
 * The security side of a container's OCI spec, after `--privileged` and `--security-opt`:
 *
 * - seccomp: the engine's default profile (hakod `--seccomp-profile`, else runtime/security/default-seccomp.ts), the
 *   container's own profile, or none (`seccomp=unconfined`, `--privileged`, or an engine started with
 *   `--seccomp-profile unconfined`), translated for the container's bounding capabilities;
 * - no_new_privs: `no-new-privileges[=BOOL]`, else the engine's default (off, as with dockerd; hakod
 *   `--no-new-privileges` turns it on for every container that does not say otherwise);
 * - `--privileged`: every capability the engine holds (outside its bounding set none can be granted, see
 *   ENVIRONMENT.md), no masked or read-only paths, /sys and the cgroup tree writable, every host device present and
 *   allowed by the device cgroup, no seccomp filter;
 * - `HostConfig.MaskedPaths`/`ReadonlyPaths` (`--security-opt systempaths=unconfined` sends them empty) replace the
 *   defaults.
 */
import { readdirSync, statSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { join } from "node:path";
import { dockerProfileToOci } from "../native/seccomp-profile.js";
import type { OciMount, OciSpec } from "../oci/spec.js";
import { defaultSeccompProfile, type SeccompProfile } from "./default-seccomp.js";
import { parseProfile, parseSecurityOpts } from "./security-opts.js";

export interface SecurityDefaults {
  /** the profile for containers that do not choose one, or "unconfined" */
  seccomp: SeccompProfile | "unconfined";
  noNewPrivileges: boolean;
}

export function defaultSecurity(): SecurityDefaults {
  return { seccomp: defaultSeccompProfile(), noNewPrivileges: false };
}

/** hakod's `--seccomp-profile FILE|unconfined` and `--no-new-privileges`; a bad profile file stops hakod at start. */
export async function loadSecurityDefaults(opts: { seccompProfile?: string; noNewPrivileges?: boolean }):
  Promise<SecurityDefaults> {
  const d = defaultSecurity();
  if (opts.noNewPrivileges) d.noNewPrivileges = true;
  if (opts.seccompProfile === "unconfined") d.seccomp = "unconfined";
  else if (opts.seccompProfile) {
    const text = await readFile(opts.seccompProfile, "utf8").catch((err: Error) => {
      throw new Error(`--seccomp-profile: ${err.message}`);
    });
    try {
      d.seccomp = parseProfile(text);
    } catch (err) {
      throw new Error(`--seccomp-profile ${opts.seccompProfile}: ${(err as Error).message}`);
    }
  }
  return d;
}

export interface ContainerSecurityInput {
  privileged: boolean;
  securityOpt: unknown;
  maskedPaths: unknown;
  readonlyPaths: unknown;
}

/** Applies the security options to a spec built by buildSpec (whose capabilities already reflect privileged). */
export function applySecurity(spec: OciSpec, input: ContainerSecurityInput, defaults: SecurityDefaults,
  hostDevices: () => OciMount[] = listHostDevices): void {
  const opts = parseSecurityOpts(input.securityOpt);
  spec.process.noNewPrivileges = opts.noNewPrivileges ?? defaults.noNewPrivileges;
  const linux = spec.linux as OciSpec["linux"] & { seccomp?: unknown };
  if (input.privileged) {
    linux.maskedPaths = [];
    linux.readonlyPaths = [];
    linux.resources.devices = [{ allow: true, access: "rwm" }];
    for (const m of spec.mounts) {
      if (m.type === "sysfs" || m.type === "cgroup") m.options = (m.options ?? []).filter((o) => o !== "ro").concat("rw");
    }
    const taken = new Set(spec.mounts.map((m) => m.destination));
    spec.mounts.push(...hostDevices().filter((d) => !taken.has(d.destination)));
    delete linux.seccomp;
    return;
  }
  if (Array.isArray(input.maskedPaths)) linux.maskedPaths = input.maskedPaths as string[];
  if (Array.isArray(input.readonlyPaths)) linux.readonlyPaths = input.readonlyPaths as string[];
  const profile = opts.seccomp === "default" ? defaults.seccomp : opts.seccomp;
  if (profile === "unconfined") {
    delete linux.seccomp;
    return;
  }
  linux.seccomp = dockerProfileToOci(profile, { caps: spec.process.capabilities.bounding });
}

/** Directories of /dev that are not devices of the host's own (runc's HostDevices leaves the same out). */
const SKIP_DIRS = new Set(["pts", "shm", "fd", "mqueue", ".lxc", ".lxd-mounts", ".udev"]);
/** made by the shim for every container (or a terminal of the host's that a container must not share) */
const SKIP_NODES = new Set(["console", "ptmx", "tty", "null", "zero", "full", "random", "urandom"]);

/** Bind mounts of every character and block device of the host's /dev, for `--privileged`. */
export function listHostDevices(root = "/dev"): OciMount[] {
  const out: OciMount[] = [];
  const walk = (dir: string, rel: string): void => {
    let entries;
    try {
      entries = readdirSync(dir, { withFileTypes: true });
    } catch {
      return;
    }
    for (const e of entries) {
      const path = join(dir, e.name);
      const relPath = rel ? `${rel}/${e.name}` : e.name;
      if (e.isDirectory()) {
        if (!(rel === "" && SKIP_DIRS.has(e.name))) walk(path, relPath);
        continue;
      }
      if (!(e.isCharacterDevice() || e.isBlockDevice()) || (rel === "" && SKIP_NODES.has(e.name))) continue;
      try {
        statSync(path);
      } catch {
        continue;
      }
      out.push({ destination: `/dev/${relPath}`, type: "bind", source: path, options: ["bind", "rprivate"] });
    }
  };
  walk(root, "");
  return out;
}
