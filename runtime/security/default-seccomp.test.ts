/**
 * The default seccomp profile: what it allows for a container's capabilities on one architecture, compared with
 * Docker's default profile (../shared/reference/docker-default-seccomp.json, read in place when present).
 */
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fixturesRoot } from "../testing/fixtures.js";
import { ALL_CAPABILITIES, DEFAULT_CAPABILITIES } from "../oci/spec.js";
import { defaultSeccompProfile, type SeccompProfile } from "./default-seccomp.js";

/** The rules that apply for these capabilities and this architecture, each as "name action [args]", sorted. */
function effect(profile: SeccompProfile, caps: string[], arch: string): string[] {
  const out = new Set<string>();
  for (const rule of profile.syscalls ?? []) {
    const inc = rule.includes ?? {};
    const exc = rule.excludes ?? {};
    if (inc.caps && !inc.caps.every((c) => caps.includes(c))) continue;
    if (inc.arches && !inc.arches.includes(arch)) continue;
    if (exc.caps && exc.caps.some((c) => caps.includes(c))) continue;
    if (exc.arches && exc.arches.includes(arch)) continue;
    const args = (rule.args ?? []).map((a) => `${a.index}${a.op}${a.value}/${a.valueTwo ?? 0}`).join(",");
    const action = rule.action === "SCMP_ACT_ERRNO" ? `errno${rule.errnoRet ?? profile.defaultErrnoRet}` : rule.action;
    for (const name of rule.names) out.add(`${name} ${action}${args ? ` [${args}]` : ""}`);
  }
  return [...out].sort();
}

const reference = join(fixturesRoot(), "reference", "docker-default-seccomp.json");

describe("the default seccomp profile", () => {
  const profile = defaultSeccompProfile();

  it("refuses by default with EPERM and lists every syscall once per rule", () => {
    expect(profile.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(profile.defaultErrnoRet).toBe(1);
    for (const rule of profile.syscalls ?? []) expect(new Set(rule.names).size).toBe(rule.names.length);
  });

  it("keeps what escapes the container out of reach without the capability", () => {
    const allowed = effect(profile, DEFAULT_CAPABILITIES, "amd64");
    for (const name of ["mount", "unshare", "setns", "init_module", "reboot", "kexec_load", "io_uring_setup",
      "userfaultfd", "keyctl", "add_key", "bpf", "ptrace", "clock_settime", "swapon", "pivot_root"]) {
      expect(allowed.filter((r) => r.startsWith(`${name} SCMP_ACT_ALLOW`) && !r.includes("["))).toEqual(
        name === "ptrace" ? ["ptrace SCMP_ACT_ALLOW"] : []);
    }
    // clone only without namespace flags, clone3 answers ENOSYS so that libc falls back to clone
    expect(allowed).toContain("clone SCMP_ACT_ALLOW [0SCMP_CMP_MASKED_EQ2114060288/0]");
    expect(allowed).toContain("clone3 errno38");
    expect(allowed).toContain("chroot SCMP_ACT_ALLOW");
  });

  it("gives CAP_SYS_ADMIN mount, unshare and an unrestricted clone", () => {
    const allowed = effect(profile, [...DEFAULT_CAPABILITIES, "CAP_SYS_ADMIN"], "amd64");
    expect(allowed).toEqual(expect.arrayContaining(["mount SCMP_ACT_ALLOW", "unshare SCMP_ACT_ALLOW", "clone SCMP_ACT_ALLOW",
      "clone3 SCMP_ACT_ALLOW"]));
    expect(allowed.some((r) => r.startsWith("clone3 errno"))).toBe(false);
  });

  it.skipIf(!existsSync(reference))("has the effect of Docker's default profile for the same capabilities", () => {
    const docker = JSON.parse(readFileSync(reference, "utf8")) as SeccompProfile;
    expect(profile.defaultAction).toBe(docker.defaultAction);
    expect(profile.defaultErrnoRet).toBe(docker.defaultErrnoRet);
    expect(profile.archMap).toEqual(docker.archMap);
    for (const arch of ["amd64", "arm64", "s390x"]) {
      for (const caps of [DEFAULT_CAPABILITIES, ALL_CAPABILITIES, [], ["CAP_SYS_PTRACE", "CAP_SYS_TIME"]]) {
        expect(effect(profile, caps, arch)).toEqual(effect(docker, caps, arch));
      }
    }
  });
});
