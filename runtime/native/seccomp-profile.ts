/**
 * Docker's seccomp profile format (../shared/reference/docker-default-seccomp.json, `--security-opt seccomp=FILE`)
 * translated into the OCI runtime spec's `linux.seccomp`, which hako-shim (or runc) compiles and loads.
 *
 * Words, as Docker uses them:
 * - a *profile* has a default action, an `archMap` (or a flat `architectures` list) and `syscalls` entries;
 * - an entry applies to a container when its `includes` all hold and none of its `excludes` does:
 *   `caps` (every capability of `includes.caps`, any of `excludes.caps`, looked up in the container's *bounding*
 *   set), `arches` (the engine's architecture in Go's spelling: amd64, arm64 …) and `minKernel` ("5.8": the running
 *   kernel is at least that);
 * - the OCI `architectures` are the native architecture's entry of `archMap` followed by its sub-architectures.
 *
 * This mirrors moby's profiles/seccomp `setupSeccomp`; everything else of an entry (names, action, errnoRet, args)
 * is copied unchanged. Argument values above 2^53 do not survive JSON.parse in JavaScript: a profile that needs
 * them must be passed through unparsed by the caller.
 */
import os from "node:os";

export type SeccompAction =
  | "SCMP_ACT_KILL"
  | "SCMP_ACT_KILL_PROCESS"
  | "SCMP_ACT_KILL_THREAD"
  | "SCMP_ACT_TRAP"
  | "SCMP_ACT_ERRNO"
  | "SCMP_ACT_TRACE"
  | "SCMP_ACT_ALLOW"
  | "SCMP_ACT_LOG"
  | "SCMP_ACT_NOTIFY";

export type SeccompOperator =
  | "SCMP_CMP_NE"
  | "SCMP_CMP_LT"
  | "SCMP_CMP_LE"
  | "SCMP_CMP_EQ"
  | "SCMP_CMP_GE"
  | "SCMP_CMP_GT"
  | "SCMP_CMP_MASKED_EQ";

export interface SeccompArg {
  index: number;
  value: number;
  valueTwo?: number;
  op: SeccompOperator;
}

/** The OCI runtime spec's `linux.seccomp` (config-linux.md). */
export interface OciSeccomp {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls: Array<{ names: string[]; action: SeccompAction; errnoRet?: number; args?: SeccompArg[] }>;
}

interface Filter {
  caps?: string[];
  arches?: string[];
  minKernel?: string;
}

/** Docker's profile format (moby/profiles/seccomp/types.go). */
export interface DockerSeccompProfile {
  defaultAction: SeccompAction;
  defaultErrnoRet?: number;
  architectures?: string[];
  archMap?: Array<{ architecture: string; subArchitectures?: string[] | null }>;
  flags?: string[];
  listenerPath?: string;
  listenerMetadata?: string;
  syscalls?: Array<{
    name?: string;
    names?: string[];
    action: SeccompAction;
    errnoRet?: number;
    args?: SeccompArg[] | null;
    comment?: string;
    includes?: Filter;
    excludes?: Filter;
  }>;
}

export interface DockerProfileOptions {
  /** The container's bounding capabilities ("CAP_SYS_ADMIN" or "SYS_ADMIN"). */
  caps: readonly string[];
  /** The engine's architecture in Go's spelling (amd64, arm64, …); default: this machine's. */
  arch?: string;
  /** The running kernel's release ("6.1.0-18-amd64"); default: this machine's. */
  kernel?: string;
}

// moby: profiles/seccomp (nativeToSeccomp), Go's GOARCH -> the OCI architecture
const NATIVE_TO_SECCOMP: Record<string, string> = {
  "386": "SCMP_ARCH_X86",
  amd64: "SCMP_ARCH_X86_64",
  arm: "SCMP_ARCH_ARM",
  arm64: "SCMP_ARCH_AARCH64",
  mips64: "SCMP_ARCH_MIPS64",
  mips64n32: "SCMP_ARCH_MIPS64N32",
  mipsel64: "SCMP_ARCH_MIPSEL64",
  mips3l64n32: "SCMP_ARCH_MIPSEL64N32",
  mipsle: "SCMP_ARCH_MIPSEL",
  ppc: "SCMP_ARCH_PPC",
  ppc64: "SCMP_ARCH_PPC64",
  ppc64le: "SCMP_ARCH_PPC64LE",
  riscv64: "SCMP_ARCH_RISCV64",
  s390: "SCMP_ARCH_S390",
  s390x: "SCMP_ARCH_S390X",
  loong64: "SCMP_ARCH_LOONGARCH64",
};

// Node's process.arch -> Go's GOARCH
const NODE_TO_GO: Record<string, string> = {
  x64: "amd64",
  ia32: "386",
  arm: "arm",
  arm64: "arm64",
  ppc64: os.endianness() === "LE" ? "ppc64le" : "ppc64",
  s390x: "s390x",
  riscv64: "riscv64",
  loong64: "loong64",
  mips: "mips",
  mipsel: "mipsle",
};

/** "SYS_ADMIN" and "cap_sys_admin" both mean CAP_SYS_ADMIN. */
function normalizeCap(cap: string): string {
  const upper = cap.trim().toUpperCase();
  return upper.startsWith("CAP_") ? upper : `CAP_${upper}`;
}

/** [major, minor] of "5.8", or of a kernel release such as "6.1.0-18-amd64". */
function kernelVersion(text: string, what: string): [number, number] {
  const m = /^(\d+)\.(\d+)/.exec(text.trim());
  if (!m) throw new Error(`seccomp profile: ${what} "${text}" is not a kernel version like 5.8`);
  return [Number(m[1]), Number(m[2])];
}

function kernelAtLeast(running: [number, number], min: string): boolean {
  const [major, minor] = kernelVersion(min, "minKernel");
  return running[0] > major || (running[0] === major && running[1] >= minor);
}

function isStringArray(v: unknown): v is string[] {
  return Array.isArray(v) && v.every((x) => typeof x === "string");
}

function checkProfile(p: unknown): asserts p is DockerSeccompProfile {
  if (typeof p !== "object" || p === null || Array.isArray(p)) throw new Error("seccomp profile: not a JSON object");
  const profile = p as Record<string, unknown>;
  if (typeof profile.defaultAction !== "string") throw new Error("seccomp profile: defaultAction is required");
  if (profile.syscalls !== undefined && profile.syscalls !== null && !Array.isArray(profile.syscalls))
    throw new Error("seccomp profile: syscalls must be an array");
  if (profile.architectures !== undefined && profile.archMap !== undefined)
    throw new Error("seccomp profile: both 'architectures' and 'archMap' are specified, use either one");
  for (const [i, s] of ((profile.syscalls as unknown[] | undefined) ?? []).entries()) {
    if (typeof s !== "object" || s === null) throw new Error(`seccomp profile: syscalls[${i}] is not an object`);
    const entry = s as Record<string, unknown>;
    if (typeof entry.action !== "string") throw new Error(`seccomp profile: syscalls[${i}] has no action`);
    if (entry.name !== undefined && entry.names !== undefined)
      throw new Error(`seccomp profile: syscalls[${i}] has both 'name' and 'names', use either one`);
    if (entry.names !== undefined && !isStringArray(entry.names))
      throw new Error(`seccomp profile: syscalls[${i}].names must be an array of strings`);
    if (entry.name !== undefined && typeof entry.name !== "string")
      throw new Error(`seccomp profile: syscalls[${i}].name must be a string`);
  }
}

function applies(entry: NonNullable<DockerSeccompProfile["syscalls"]>[number], caps: Set<string>, arch: string,
  kernel: () => [number, number]): boolean {
  const inc = entry.includes ?? {};
  const exc = entry.excludes ?? {};
  if (exc.arches?.includes(arch)) return false;
  if (exc.caps?.some((c) => caps.has(normalizeCap(c)))) return false;
  if (exc.minKernel && kernelAtLeast(kernel(), exc.minKernel)) return false;
  if (inc.arches?.length && !inc.arches.includes(arch)) return false;
  if (inc.caps?.length && !inc.caps.every((c) => caps.has(normalizeCap(c)))) return false;
  if (inc.minKernel && !kernelAtLeast(kernel(), inc.minKernel)) return false;
  return true;
}

/**
 * The OCI `linux.seccomp` that Docker would give a container with these bounding capabilities on this
 * architecture. `profile` is the parsed JSON or its text. Throws an Error on a malformed profile.
 */
export function dockerProfileToOci(profile: unknown, options: DockerProfileOptions): OciSeccomp {
  const p: unknown = typeof profile === "string" ? JSON.parse(profile) : profile;
  checkProfile(p);
  const arch = options.arch ?? NODE_TO_GO[process.arch] ?? process.arch;
  const caps = new Set(options.caps.map(normalizeCap));
  let running: [number, number] | undefined;
  const kernel = () => (running ??= kernelVersion(options.kernel ?? os.release(), "kernel release"));

  const out: OciSeccomp = { defaultAction: p.defaultAction, syscalls: [] };
  if (p.defaultErrnoRet !== undefined) out.defaultErrnoRet = p.defaultErrnoRet;
  if (p.architectures?.length) out.architectures = [...p.architectures];
  else if (p.archMap?.length) {
    const native = NATIVE_TO_SECCOMP[arch];
    const entry = p.archMap.find((a) => a.architecture === native);
    if (entry) out.architectures = [entry.architecture, ...(entry.subArchitectures ?? [])];
  }
  if (p.flags?.length) out.flags = [...p.flags];
  if (p.listenerPath) out.listenerPath = p.listenerPath;
  if (p.listenerMetadata) out.listenerMetadata = p.listenerMetadata;

  for (const entry of p.syscalls ?? []) {
    if (!applies(entry, caps, arch, kernel)) continue;
    const names = entry.names ?? (entry.name !== undefined ? [entry.name] : []);
    if (names.length === 0) continue;
    const rule: OciSeccomp["syscalls"][number] = { names: [...names], action: entry.action };
    if (entry.errnoRet !== undefined) rule.errnoRet = entry.errnoRet;
    if (entry.args?.length) rule.args = entry.args.map((a) => ({ ...a }));
    out.syscalls.push(rule);
  }
  return out;
}
