/**
 * dockerProfileToOci: Docker's seccomp profile format -> the OCI `linux.seccomp`, the way moby does it (includes and
 * excludes by bounding capabilities, architecture and kernel version; the native entry of archMap).
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { dockerProfileToOci, type DockerSeccompProfile } from "./seccomp-profile.js";

const FIXTURES = process.env.HAKO_FIXTURES ?? "/work/shared";
const DOCKER_PROFILE = path.join(FIXTURES, "reference", "docker-default-seccomp.json");
const DOCKER_CAPS = [
  "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER", "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID",
  "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP", "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",
  "CAP_AUDIT_WRITE",
];

/** The shape of Docker's default profile in miniature: one entry of each kind. */
const PROFILE: DockerSeccompProfile = {
  defaultAction: "SCMP_ACT_ERRNO",
  defaultErrnoRet: 1,
  archMap: [
    { architecture: "SCMP_ARCH_X86_64", subArchitectures: ["SCMP_ARCH_X86", "SCMP_ARCH_X32"] },
    { architecture: "SCMP_ARCH_AARCH64", subArchitectures: ["SCMP_ARCH_ARM"] },
    { architecture: "SCMP_ARCH_RISCV64", subArchitectures: null },
  ],
  syscalls: [
    { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
    { names: ["ptrace"], action: "SCMP_ACT_ALLOW", includes: { minKernel: "4.8" } },
    { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 8, op: "SCMP_CMP_EQ" }] },
    { names: ["arch_prctl"], action: "SCMP_ACT_ALLOW", includes: { arches: ["amd64", "x32"] } },
    { names: ["breakpoint"], action: "SCMP_ACT_ALLOW", includes: { arches: ["arm", "arm64"] } },
    { names: ["mount", "clone"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_ADMIN"] } },
    { names: ["clone"], action: "SCMP_ACT_ALLOW", comment: "no namespaces",
      args: [{ index: 0, value: 2114060288, op: "SCMP_CMP_MASKED_EQ" }],
      excludes: { caps: ["CAP_SYS_ADMIN"], arches: ["s390", "s390x"] } },
    { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38, excludes: { caps: ["CAP_SYS_ADMIN"] } },
    { names: ["bpf"], action: "SCMP_ACT_ALLOW", includes: { caps: ["CAP_SYS_ADMIN", "CAP_BPF"] } },
    { names: ["old_call"], action: "SCMP_ACT_ALLOW", excludes: { minKernel: "5.0" } },
    { name: "sync", action: "SCMP_ACT_ALLOW" },
  ],
};

const names = (oci: ReturnType<typeof dockerProfileToOci>) => oci.syscalls.flatMap((s) => s.names);

describe("dockerProfileToOci", () => {
  it("keeps the rules that apply to Docker's default capabilities on amd64, unchanged but for includes/excludes", () => {
    const oci = dockerProfileToOci(PROFILE, { caps: DOCKER_CAPS, arch: "amd64", kernel: "6.1.0-18-amd64" });
    expect(oci.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(oci.defaultErrnoRet).toBe(1);
    expect(oci.architectures).toEqual(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    expect(oci.syscalls).toEqual([
      { names: ["read", "write"], action: "SCMP_ACT_ALLOW" },
      { names: ["ptrace"], action: "SCMP_ACT_ALLOW" },
      { names: ["personality"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 8, op: "SCMP_CMP_EQ" }] },
      { names: ["arch_prctl"], action: "SCMP_ACT_ALLOW" },
      { names: ["clone"], action: "SCMP_ACT_ALLOW", args: [{ index: 0, value: 2114060288, op: "SCMP_CMP_MASKED_EQ" }] },
      { names: ["clone3"], action: "SCMP_ACT_ERRNO", errnoRet: 38 },
      { names: ["sync"], action: "SCMP_ACT_ALLOW" },
    ]);
  });

  it("with CAP_SYS_ADMIN, includes its rules and drops those that exclude it; an include needs every cap listed", () => {
    const admin = names(dockerProfileToOci(PROFILE, { caps: [...DOCKER_CAPS, "SYS_ADMIN"], arch: "amd64", kernel: "6.1" }));
    expect(admin).toContain("mount");
    expect(admin.filter((n) => n === "clone")).toHaveLength(1); // the unconditional one
    expect(admin).not.toContain("clone3");
    expect(admin).not.toContain("bpf");
    const both = names(dockerProfileToOci(PROFILE, { caps: ["cap_sys_admin", "CAP_BPF"], arch: "amd64", kernel: "6.1" }));
    expect(both).toContain("bpf");
  });

  it("follows the architecture: archMap's native entry, includes and excludes by Go's arch names", () => {
    const arm = dockerProfileToOci(PROFILE, { caps: DOCKER_CAPS, arch: "arm64", kernel: "6.1" });
    expect(arm.architectures).toEqual(["SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM"]);
    expect(names(arm)).toContain("breakpoint");
    expect(names(arm)).not.toContain("arch_prctl");
    expect(dockerProfileToOci(PROFILE, { caps: [], arch: "riscv64", kernel: "6.1" }).architectures).toEqual(["SCMP_ARCH_RISCV64"]);
    const s390 = dockerProfileToOci(PROFILE, { caps: DOCKER_CAPS, arch: "s390x", kernel: "6.1" });
    expect(s390.architectures).toBeUndefined(); // not in this archMap: the runtime's native one
    expect(s390.syscalls.find((s) => s.names.includes("clone"))).toBeUndefined();
  });

  it("compares minKernel with the running kernel's major.minor", () => {
    const old = names(dockerProfileToOci(PROFILE, { caps: [], arch: "amd64", kernel: "4.4.0-210-generic" }));
    expect(old).not.toContain("ptrace");
    expect(old).toContain("old_call");
    const exact = names(dockerProfileToOci(PROFILE, { caps: [], arch: "amd64", kernel: "4.8" }));
    expect(exact).toContain("ptrace");
    expect(names(dockerProfileToOci(PROFILE, { caps: [], arch: "amd64", kernel: "5.10" }))).not.toContain("old_call");
  });

  it("takes a flat architectures list as is, and the profile as JSON text", () => {
    const flat = { defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64"], flags: ["SECCOMP_FILTER_FLAG_LOG"],
      syscalls: [{ names: ["mount"], action: "SCMP_ACT_ERRNO" }] };
    expect(dockerProfileToOci(JSON.stringify(flat), { caps: [], arch: "amd64", kernel: "6.1" })).toEqual(flat);
  });

  it("refuses a malformed profile, saying what is wrong", () => {
    const opts = { caps: [], arch: "amd64", kernel: "6.1" };
    expect(() => dockerProfileToOci([], opts)).toThrow(/not a JSON object/);
    expect(() => dockerProfileToOci({ syscalls: [] }, opts)).toThrow(/defaultAction is required/);
    expect(() => dockerProfileToOci({ ...PROFILE, architectures: ["SCMP_ARCH_X86_64"] }, opts)).toThrow(/both 'architectures' and 'archMap'/);
    expect(() => dockerProfileToOci({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ name: "a", names: ["b"], action: "SCMP_ACT_ALLOW" }] }, opts))
      .toThrow(/both 'name' and 'names'/);
    expect(() => dockerProfileToOci({ defaultAction: "SCMP_ACT_ALLOW", syscalls: [{ names: ["a"] }] }, opts)).toThrow(/syscalls\[0\] has no action/);
    expect(() => dockerProfileToOci({ defaultAction: "SCMP_ACT_ALLOW", syscalls: {} }, opts)).toThrow(/syscalls must be an array/);
    expect(() => dockerProfileToOci(PROFILE, { caps: [], arch: "amd64", kernel: "unknown" })).toThrow(/not a kernel version/);
  });

  it.skipIf(!fs.existsSync(DOCKER_PROFILE))("translates Docker's own default profile as Docker does on amd64", () => {
    const profile = JSON.parse(fs.readFileSync(DOCKER_PROFILE, "utf8"));
    const oci = dockerProfileToOci(profile, { caps: DOCKER_CAPS, arch: "amd64", kernel: "6.1" });
    expect(oci.architectures).toEqual(["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"]);
    const all = names(oci);
    for (const n of ["read", "execve", "arch_prctl", "modify_ldt", "ptrace", "personality", "socket", "clone", "clone3"])
      expect(all, n).toContain(n);
    for (const n of ["mount", "unshare", "setns", "reboot", "bpf", "perf_event_open", "syslog", "s390_runtime_instr",
      "riscv_flush_icache", "open_by_handle_at", "keyctl"])
      expect(all, n).not.toContain(n);
    expect(oci.syscalls.find((s) => s.names.includes("clone3"))).toMatchObject({ action: "SCMP_ACT_ERRNO", errnoRet: 38 });
    expect(JSON.stringify(oci)).not.toMatch(/includes|excludes|comment/);
  });
});
