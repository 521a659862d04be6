/**
 * `HostConfig.SecurityOpt` as dockerd reads it (daemon parseSecurityOpt): `no-new-privileges[=BOOL]`,
 * `seccomp=unconfined|builtin|<profile JSON>` (the CLI sends the content of a profile file, not its path),
 * `apparmor=…` and `label=…` (accepted; this host has neither AppArmor nor SELinux, and dockerd ignores them there too),
 * `systempaths=unconfined` (the CLI turns that one into empty MaskedPaths/ReadonlyPaths). `KEY:VALUE` is the old
 * spelling of `KEY=VALUE`. Anything else is refused with dockerd's message.
 */
import { invalidArgument } from "../errors.js";
import type { SeccompProfile } from "./default-seccomp.js";

export interface SecurityOptions {
  /** undefined: the engine's default */
  noNewPrivileges?: boolean;
  /** "default": the engine's default profile; "unconfined": no filter; or the container's own profile */
  seccomp: "default" | "unconfined" | SeccompProfile;
}

export function parseSecurityOpts(raw: unknown): SecurityOptions {
  const out: SecurityOptions = { seccomp: "default" };
  if (raw === undefined || raw === null) return out;
  if (!Array.isArray(raw) || !raw.every((o) => typeof o === "string")) {
    throw invalidArgument("json: cannot unmarshal HostConfig.SecurityOpt: want a list of strings");
  }
  for (const opt of raw as string[]) {
    if (opt === "no-new-privileges") {
      out.noNewPrivileges = true;
      continue;
    }
    if (opt === "disable") continue; // label disabling, as dockerd accepts it bare
    const sep = opt.includes("=") ? "=" : opt.includes(":") ? ":" : "";
    if (!sep) throw invalidArgument(`invalid --security-opt 1: ${JSON.stringify(opt)}`);
    const i = opt.indexOf(sep);
    const key = opt.slice(0, i);
    const value = opt.slice(i + 1);
    switch (key) {
      case "label":
      case "apparmor":
        break;
      case "no-new-privileges": {
        const b = parseBool(value);
        if (b === undefined) throw invalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
        out.noNewPrivileges = b;
        break;
      }
      case "seccomp":
        out.seccomp = value === "unconfined" ? "unconfined" : value === "builtin" || value === "" ? "default"
          : parseProfile(value);
        break;
      default:
        throw invalidArgument(`invalid --security-opt 2: ${JSON.stringify(opt)}`);
    }
  }
  return out;
}

/** Go's strconv.ParseBool. */
function parseBool(s: string): boolean | undefined {
  if (["1", "t", "T", "TRUE", "true", "True"].includes(s)) return true;
  if (["0", "f", "F", "FALSE", "false", "False"].includes(s)) return false;
  return undefined;
}

const ACTIONS = [
  "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD", "SCMP_ACT_TRAP", "SCMP_ACT_ERRNO",
  "SCMP_ACT_TRACE", "SCMP_ACT_ALLOW", "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY",
];

/** A profile in Docker's format, checked enough that a bad one is refused at create rather than at start. */
export function parseProfile(text: string): SeccompProfile {
  let p: unknown;
  try {
    p = JSON.parse(text);
  } catch (err) {
    throw invalidArgument(`Decoding seccomp profile failed: ${(err as Error).message}`);
  }
  if (!p || typeof p !== "object" || Array.isArray(p)) {
    throw invalidArgument("Decoding seccomp profile failed: want a JSON object");
  }
  const profile = p as SeccompProfile;
  if (typeof profile.defaultAction !== "string" || !ACTIONS.includes(profile.defaultAction)) {
    throw invalidArgument(`Decoding seccomp profile failed: invalid defaultAction ${JSON.stringify(profile.defaultAction)}`);
  }
  if (profile.syscalls !== undefined && profile.syscalls !== null) {
    if (!Array.isArray(profile.syscalls)) throw invalidArgument("Decoding seccomp profile failed: syscalls must be a list");
    for (const [i, s] of profile.syscalls.entries()) {
      const entry = s as unknown as { names?: unknown; name?: unknown };
      const names = entry.names ?? (entry.name !== undefined ? [entry.name] : undefined);
      if (!Array.isArray(names) || !names.every((n) => typeof n === "string")) {
        throw invalidArgument(`Decoding seccomp profile failed: syscalls[${i}] has no names`);
      }
      if (typeof s.action !== "string" || !ACTIONS.includes(s.action)) {
        throw invalidArgument(`Decoding seccomp profile failed: syscalls[${i}]: invalid action ${JSON.stringify(s.action)}`);
      }
    }
  }
  return profile;
}
