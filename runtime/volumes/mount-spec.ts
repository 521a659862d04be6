/**
 * What a container mounts, as given at create and validated the way dockerd validates it (moby volume/mounts, Linux
 * parser), into one list of {@link ContainerMount}s kept in the container's record:
 *
 * - `HostConfig.Binds` (`-v SRC:DST[:MODE]`): an absolute SRC is a bind mount (the host directory is created when
 *   missing, as Docker does for `-v`), any other SRC a named volume (created on first use);
 * - `HostConfig.Mounts` (`--mount type=bind|volume|tmpfs,…`): a bind source must exist;
 * - `HostConfig.Tmpfs` (`--tmpfs /path[:opts]`);
 * - `Config.Volumes` (the image's `VOLUME` and `-v /path`): an anonymous volume for each path nothing else mounts.
 *
 * Pure apart from checking that `--mount` bind sources exist; anonymous volume names are chosen here.
 */
import { randomBytes } from "node:crypto";
import { statSync } from "node:fs";
import { posix } from "node:path";
import { invalidArgument } from "../errors.js";
import { validateVolumeName } from "./names.js";
import { LOCAL_DRIVER } from "./volume.js";

export type MountType = "bind" | "volume" | "tmpfs";

/** One mount of a container, as recorded (inspect shows it as Docker's MountPoint). */
export interface ContainerMount {
  type: MountType;
  /** absolute, cleaned path inside the container */
  destination: string;
  /** bind: the host path; volume: the volume's name; tmpfs: "" */
  source: string;
  readOnly: boolean;
  /** the mode string as given (`ro`, `z`, `rw,nocopy` …), for inspect */
  mode: string;
  /** bind propagation (rprivate unless given) */
  propagation: string;
  /** volume: copy what the image has at the destination into the volume when it is empty (until the first start) */
  copyUp?: boolean;
  /** volume: created for this container alone; `rm -v` removes it */
  anonymous?: boolean;
  /** volume: driver and options for a volume created on first use (`--mount` volume-driver / volume-opt) */
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
  /** bind from `-v`: create the host directory when it is missing */
  createSource?: boolean;
  /** bind: not recursive (`bind-nonrecursive`) */
  nonRecursive?: boolean;
  /** tmpfs: mount options (size=…, mode=…, noexec …) */
  tmpfsOptions?: string[];
}

const PROPAGATIONS = ["private", "rprivate", "shared", "rshared", "slave", "rslave"];
const LABEL_MODES = ["z", "Z"];

function invalidSpec(raw: string): Error {
  return invalidArgument(`invalid volume specification: '${raw}'`);
}

function invalidMount(type: string, why: string): Error {
  return invalidArgument(`invalid mount config for type "${type}": ${why}`);
}

/** A destination as Docker accepts it: absolute, cleaned, not "/". */
function destination(raw: string, type: string, path: string): string {
  if (!path) throw invalidMount(type, "field Target must not be empty");
  if (!path.startsWith("/")) throw invalidMount(type, `invalid mount path: '${path}' mount path must be absolute`);
  const clean = posix.normalize(path).replace(/(.)\/+$/, "$1");
  if (clean === "/") throw invalidArgument(`invalid specification: destination can't be '/' in '${raw}'`);
  return clean;
}

interface ParsedMode {
  readOnly: boolean;
  propagation: string;
  nocopy: boolean;
}

/** `ro`, `rw`, `z`/`Z`, a propagation and `nocopy`, comma-separated, each kind at most once. */
function parseMode(mode: string, raw: string): ParsedMode {
  const out: ParsedMode = { readOnly: false, propagation: "", nocopy: false };
  if (mode === "") return out;
  const seen = new Set<string>();
  for (const m of mode.split(",")) {
    const kind = m === "ro" || m === "rw" ? "rw" : LABEL_MODES.includes(m) ? "label"
      : PROPAGATIONS.includes(m) ? "propagation" : m === "nocopy" ? "copy" : "";
    if (!kind || seen.has(kind)) throw invalidArgument(`invalid mode: ${mode} in '${raw}'`);
    seen.add(kind);
    if (m === "ro") out.readOnly = true;
    if (kind === "propagation") out.propagation = m;
    if (m === "nocopy") out.nocopy = true;
  }
  return out;
}

function isMode(s: string): boolean {
  try {
    parseMode(s, s);
    return true;
  } catch {
    return false;
  }
}

/** One `-v` entry of HostConfig.Binds. */
export function parseBind(raw: string): ContainerMount {
  if (typeof raw !== "string" || raw === "") throw invalidSpec(String(raw));
  const parts = raw.split(":");
  let src = "";
  let dst = "";
  let mode = "";
  switch (parts.length) {
    case 1:
      dst = parts[0] as string;
      break;
    case 2:
      if (isMode(parts[1] as string)) [dst, mode] = parts as [string, string];
      else [src, dst] = parts as [string, string];
      break;
    case 3:
      [src, dst, mode] = parts as [string, string, string];
      break;
    default:
      throw invalidSpec(raw);
  }
  if (parts.some((p) => p === "")) throw invalidSpec(raw);
  const m = parseMode(mode, raw);
  if (src.startsWith("/")) {
    if (m.nocopy) throw invalidArgument(`invalid mode: ${mode} in '${raw}'`);
    return {
      type: "bind", source: posix.normalize(src), destination: destination(raw, "bind", dst), readOnly: m.readOnly,
      mode, propagation: m.propagation || "rprivate", createSource: true,
    };
  }
  if (m.propagation) throw invalidArgument(`invalid mode: ${mode} in '${raw}'`);
  const anonymous = src === "";
  return {
    type: "volume", source: anonymous ? newAnonymousName() : validateVolumeName(src), destination: destination(raw, "volume", dst),
    readOnly: m.readOnly, mode, propagation: "", copyUp: !m.nocopy, ...(anonymous ? { anonymous: true } : {}),
  };
}

/** One `--mount` entry of HostConfig.Mounts (Docker's mount.Mount). */
export function parseMount(raw: unknown): ContainerMount {
  if (!raw || typeof raw !== "object" || Array.isArray(raw)) throw invalidArgument("invalid mount config: want an object");
  const m = raw as Record<string, unknown>;
  const type = m.Type;
  const str = (v: unknown, field: string): string => {
    if (v === undefined || v === null) return "";
    if (typeof v !== "string") throw invalidMount(String(type), `field ${field} must be a string`);
    return v;
  };
  const source = str(m.Source, "Source");
  const target = str(m.Target, "Target");
  const readOnly = m.ReadOnly === true;
  const bindOpts = m.BindOptions as Record<string, unknown> | null | undefined;
  const volumeOpts = m.VolumeOptions as Record<string, unknown> | null | undefined;
  const tmpfsOpts = m.TmpfsOptions as Record<string, unknown> | null | undefined;
  const raws = JSON.stringify(raw);
  switch (type) {
    case "bind": {
      if (volumeOpts) throw invalidMount("bind", "field VolumeOptions must not be specified");
      if (tmpfsOpts) throw invalidMount("bind", "field TmpfsOptions must not be specified");
      const dst = destination(raws, "bind", target);
      if (!source) throw invalidMount("bind", "field Source must not be empty");
      if (!source.startsWith("/")) throw invalidMount("bind", `invalid mount path: '${source}' mount path must be absolute`);
      try {
        statSync(source);
      } catch {
        throw invalidMount("bind", `bind source path does not exist: ${source}`);
      }
      const propagation = str(bindOpts?.Propagation, "BindOptions.Propagation");
      if (propagation && !PROPAGATIONS.includes(propagation)) {
        throw invalidMount("bind", `invalid propagation mode: ${propagation}`);
      }
      return {
        type: "bind", source: posix.normalize(source), destination: dst, readOnly, mode: "",
        propagation: propagation || "rprivate", ...(bindOpts?.NonRecursive === true ? { nonRecursive: true } : {}),
      };
    }
    case "volume": {
      if (bindOpts) throw invalidMount("volume", "field BindOptions must not be specified");
      if (tmpfsOpts) throw invalidMount("volume", "field TmpfsOptions must not be specified");
      const dst = destination(raws, "volume", target);
      const anonymous = source === "";
      const driverConfig = volumeOpts?.DriverConfig as { Name?: unknown; Options?: unknown } | null | undefined;
      const driver = str(driverConfig?.Name, "VolumeOptions.DriverConfig.Name");
      const driverOpts = stringMap(driverConfig?.Options, "VolumeOptions.DriverConfig.Options");
      const labels = stringMap(volumeOpts?.Labels, "VolumeOptions.Labels");
      return {
        type: "volume", source: anonymous ? newAnonymousName() : validateVolumeName(source), destination: dst, readOnly,
        mode: "z", propagation: "", copyUp: volumeOpts?.NoCopy !== true, ...(anonymous ? { anonymous: true } : {}),
        ...(driver && driver !== LOCAL_DRIVER ? { driver } : {}),
        ...(Object.keys(driverOpts).length > 0 ? { driverOpts } : {}),
        ...(Object.keys(labels).length > 0 ? { labels } : {}),
      };
    }
    case "tmpfs": {
      if (source) throw invalidMount("tmpfs", "field Source must not be specified");
      if (bindOpts) throw invalidMount("tmpfs", "field BindOptions must not be specified");
      if (volumeOpts) throw invalidMount("tmpfs", "field VolumeOptions must not be specified");
      const dst = destination(raws, "tmpfs", target);
      const options: string[] = [];
      const size = tmpfsOpts?.SizeBytes;
      if (size !== undefined && size !== null) {
        if (typeof size !== "number" || !Number.isInteger(size) || size < 0) {
          throw invalidMount("tmpfs", `invalid tmpfs size: ${String(size)}`);
        }
        if (size > 0) options.push(`size=${size}`);
      }
      const mode = tmpfsOpts?.Mode;
      if (mode !== undefined && mode !== null && mode !== 0) {
        if (typeof mode !== "number" || !Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
          throw invalidMount("tmpfs", `invalid tmpfs mode: ${String(mode)}`);
        }
        options.push(`mode=${mode.toString(8)}`);
      }
      if (readOnly) options.push("ro");
      return { type: "tmpfs", source: "", destination: dst, readOnly, mode: "", propagation: "", tmpfsOptions: options };
    }
    case "npipe":
      throw invalidMount("npipe", "npipe mounts are only supported on Windows");
    default:
      throw invalidArgument(`invalid mount config: mount type unknown: "${String(type)}"`);
  }
}

const TMPFS_FLAGS = new Set([
  "ro", "rw", "suid", "nosuid", "dev", "nodev", "exec", "noexec", "sync", "async", "dirsync", "atime", "noatime",
  "diratime", "nodiratime", "relatime", "norelatime", "strictatime", "nostrictatime", "mand", "nomand",
]);
const TMPFS_DATA = new Set(["size", "mode", "uid", "gid", "nr_inodes", "nr_blocks", "mpol", "huge"]);

/** One `--tmpfs PATH:OPTS` entry of HostConfig.Tmpfs. */
export function parseTmpfs(path: string, opts: unknown): ContainerMount {
  if (typeof opts !== "string") throw invalidArgument(`invalid tmpfs options for ${path}: want a string`);
  const dst = destination(path, "tmpfs", path);
  const options = opts === "" ? [] : opts.split(",");
  for (const o of options) {
    const [k] = o.split("=", 1) as [string];
    if (!(o.includes("=") ? TMPFS_DATA.has(k) : TMPFS_FLAGS.has(o))) {
      throw invalidArgument(`invalid tmpfs option ${JSON.stringify(o)} for ${path}`);
    }
  }
  return {
    type: "tmpfs", source: "", destination: dst, readOnly: options.includes("ro"), mode: opts, propagation: "",
    tmpfsOptions: options,
  };
}

function stringMap(v: unknown, field: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (typeof v !== "object" || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string")) {
    throw invalidArgument(`invalid mount config: ${field} must be a map of strings`);
  }
  return { ...(v as Record<string, string>) };
}

function newAnonymousName(): string {
  return randomBytes(32).toString("hex");
}

export interface MountRequest {
  binds: unknown;
  mounts: unknown;
  tmpfs: unknown;
  /** Config.Volumes after the image's were merged in */
  volumes: unknown;
}

/** All of a container's mounts, in the order given; a destination used twice is refused like dockerd does. */
export function planMounts(req: MountRequest): ContainerMount[] {
  const out: ContainerMount[] = [];
  const taken = new Set<string>();
  const add = (m: ContainerMount): void => {
    if (taken.has(m.destination)) throw invalidArgument(`Duplicate mount point: ${m.destination}`);
    taken.add(m.destination);
    out.push(m);
  };
  if (req.binds !== undefined && req.binds !== null) {
    if (!Array.isArray(req.binds)) throw invalidArgument("HostConfig.Binds must be a list of strings");
    for (const b of req.binds) add(parseBind(b as string));
  }
  if (req.mounts !== undefined && req.mounts !== null) {
    if (!Array.isArray(req.mounts)) throw invalidArgument("HostConfig.Mounts must be a list");
    for (const m of req.mounts) add(parseMount(m));
  }
  if (req.tmpfs !== undefined && req.tmpfs !== null) {
    if (typeof req.tmpfs !== "object" || Array.isArray(req.tmpfs)) {
      throw invalidArgument("HostConfig.Tmpfs must be a map of paths to options");
    }
    for (const [path, opts] of Object.entries(req.tmpfs as Record<string, unknown>)) add(parseTmpfs(path, opts));
  }
  if (req.volumes !== undefined && req.volumes !== null) {
    if (typeof req.volumes !== "object" || Array.isArray(req.volumes)) {
      throw invalidArgument("Config.Volumes must be a map of paths");
    }
    for (const path of Object.keys(req.volumes as object)) {
      const dst = destination(path, "volume", path);
      // a path the user mounts something on needs no anonymous volume (the image's VOLUME is satisfied)
      if (taken.has(dst)) continue;
      add({ type: "volume", source: newAnonymousName(), destination: dst, readOnly: false, mode: "", propagation: "",
        copyUp: true, anonymous: true });
    }
  }
  return out;
}
