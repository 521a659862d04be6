/**
 * `--device` (HostConfig.Devices): host device nodes made in the container, as dockerd makes them (moby
 * oci.DevicesFromPath).
 *
 * Terms:
 * - **device mapping**: `{PathOnHost, PathInContainer, CgroupPermissions}`; the container path defaults to the host
 *   path, the permissions (a non-empty subset of `rwm`: read, write, mknod) to `rwm`.
 * - Each mapping becomes an OCI `linux.devices` entry (the runtime makes the node at the container path, with the
 *   host node's type, major, minor, mode and owner) and an allow rule of the device cgroup for that major:minor with
 *   the permissions. Every other device stays denied (oci/spec.ts, the default rules).
 * - A host path that is a directory maps every device below it (`--device /dev/snd`), the rest of the path kept.
 *
 * The mappings are checked at create (shape, permissions: 400) and resolved against the host at each start, where a
 * host path that is neither a device nor a directory holding one fails the start in dockerd's words.
 */
import { lstat, readdir, realpath, stat } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
import { internal, invalidArgument } from "../errors.js";
import type { OciDevice, OciDeviceRule, OciSpec } from "../oci/spec.js";

export interface DeviceMapping {
  PathOnHost: string;
  PathInContainer: string;
  CgroupPermissions: string;
}

/** HostConfig.Devices as a client sent it → the mappings with their defaults filled in (null when none). */
export function normaliseDevices(raw: unknown): DeviceMapping[] | null {
  if (raw === undefined || raw === null) return null;
  if (!Array.isArray(raw)) throw invalidArgument("HostConfig.Devices must be a list");
  return raw.map((d: unknown) => {
    const m = (d ?? {}) as Record<string, unknown>;
    const onHost = typeof m.PathOnHost === "string" ? m.PathOnHost : "";
    const inContainer = typeof m.PathInContainer === "string" && m.PathInContainer !== "" ? m.PathInContainer : onHost;
    const perms = typeof m.CgroupPermissions === "string" && m.CgroupPermissions !== "" ? m.CgroupPermissions : "rwm";
    if (!onHost) throw invalidArgument("invalid device mapping: PathOnHost is empty");
    if (!isAbsolute(inContainer)) throw invalidArgument(`${inContainer} is not an absolute path`);
    if (!/^[rwm]{1,3}$/.test(perms) || new Set(perms).size !== perms.length) {
      throw invalidArgument(`invalid device mode: ${perms}`);
    }
    return { PathOnHost: onHost, PathInContainer: inContainer, CgroupPermissions: perms };
  });
}

/** The host node at `path` as an OCI device at `inContainer`; null when it is not a character or block device. */
async function deviceAt(path: string, inContainer: string): Promise<OciDevice | null> {
  const st = await lstat(path);
  if (!st.isCharacterDevice() && !st.isBlockDevice()) return null;
  const rdev = BigInt(st.rdev);
  // glibc's major()/minor() of a 64-bit dev_t
  const major = Number(((rdev >> 8n) & 0xfffn) | ((rdev >> 32n) & ~0xfffn));
  const minor = Number((rdev & 0xffn) | ((rdev >> 12n) & ~0xffn));
  return { path: inContainer, type: st.isCharacterDevice() ? "c" : "b", major, minor, fileMode: st.mode & 0o7777,
    uid: st.uid, gid: st.gid };
}

/** Every device below `dir` (symlinks not followed), mapped from `dir` to `inContainer`. */
async function devicesBelow(dir: string, inContainer: string): Promise<OciDevice[]> {
  const out: OciDevice[] = [];
  const entries = await readdir(dir, { withFileTypes: true }).catch(() => []);
  for (const e of entries) {
    const path = join(dir, e.name);
    const target = join(inContainer, e.name);
    if (e.isDirectory()) out.push(...(await devicesBelow(path, target)));
    else if (e.isCharacterDevice() || e.isBlockDevice()) {
      const d = await deviceAt(path, target).catch(() => null);
      if (d) out.push(d);
    }
  }
  return out;
}

async function resolveMapping(m: DeviceMapping): Promise<OciDevice[]> {
  const fail = (why: string) =>
    internal(`error gathering device information while adding custom device ${JSON.stringify(m.PathOnHost)}: ${why}`);
  // a symlink (/dev/disk/by-id/…) is the node it names, as with dockerd
  const host = await realpath(m.PathOnHost).catch(() => m.PathOnHost);
  let node: OciDevice | null;
  try {
    node = await deviceAt(host, m.PathInContainer);
  } catch (err) {
    throw fail((err as NodeJS.ErrnoException).code === "ENOENT" ? "no such file or directory"
      : (err as Error).message);
  }
  if (node) return [node];
  const below = (await stat(host)).isDirectory() ? await devicesBelow(host, m.PathInContainer) : [];
  if (below.length === 0) throw fail("not a device node");
  return below;
}

/** Adds the container's devices and their allow rules to its spec (at start). */
export async function applyDevices(spec: OciSpec, mappings: DeviceMapping[] | null | undefined): Promise<void> {
  if (!mappings || mappings.length === 0) return;
  const devices: OciDevice[] = [];
  const rules: OciDeviceRule[] = [];
  for (const m of mappings) {
    for (const d of await resolveMapping(m)) {
      devices.push(d);
      rules.push({ allow: true, type: d.type, major: d.major, minor: d.minor, access: m.CgroupPermissions });
    }
  }
  spec.linux.devices = [...(spec.linux.devices ?? []), ...devices];
  spec.linux.resources.devices = [...spec.linux.resources.devices, ...rules];
}
