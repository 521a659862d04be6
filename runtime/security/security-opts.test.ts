/** --security-opt as dockerd reads it, and the security share of a container's spec. */
import { describe, expect, it } from "vitest";
import { ALL_CAPABILITIES, buildSpec, type SpecInput } from "../oci/spec.js";
import { applySecurity, defaultSecurity } from "./container-security.js";
import { parseSecurityOpts } from "./security-opts.js";

const specInput = (over: Partial<SpecInput> = {}): SpecInput => ({
  id: "c".repeat(64), rootfs: "/r", readonlyRootfs: false, hostname: "h", args: ["sh"], env: [], cwd: "/",
  user: { uid: 0, gid: 0, additionalGids: [] }, terminal: false, cgroupsPath: "/hako/c",
  resources: { memory: 0, memorySwap: 0, memoryReservation: 0, pidsLimit: null, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0, nanoCpus: 0 },
  capAdd: [], capDrop: [], privileged: false, engineCapabilities: ALL_CAPABILITIES.filter((c) => c !== "CAP_SYS_RESOURCE"),
  hostHardLimits: {}, ulimits: [], shmSize: 0, extraMounts: [], ...over,
});

describe("--security-opt", () => {
  it("reads no-new-privileges and seccomp in both spellings", () => {
    expect(parseSecurityOpts(["no-new-privileges"])).toEqual({ seccomp: "default", noNewPrivileges: true });
    expect(parseSecurityOpts(["no-new-privileges=false"]).noNewPrivileges).toBe(false);
    expect(parseSecurityOpts(["no-new-privileges:true"]).noNewPrivileges).toBe(true);
    expect(parseSecurityOpts(["seccomp=unconfined"]).seccomp).toBe("unconfined");
    expect(parseSecurityOpts(["seccomp=builtin"]).seccomp).toBe("default");
    expect(parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_ALLOW"}']).seccomp).toEqual({ defaultAction: "SCMP_ACT_ALLOW" });
    expect(parseSecurityOpts(["apparmor=unconfined", "label=disable"])).toEqual({ seccomp: "default" });
  });

  it("refuses what dockerd refuses", () => {
    expect(() => parseSecurityOpts(["bogus"])).toThrow('invalid --security-opt 1: "bogus"');
    expect(() => parseSecurityOpts(["foo=bar"])).toThrow('invalid --security-opt 2: "foo=bar"');
    expect(() => parseSecurityOpts(["no-new-privileges=maybe"])).toThrow('invalid --security-opt 2');
    expect(() => parseSecurityOpts(["seccomp={not json"])).toThrow("Decoding seccomp profile failed");
    expect(() => parseSecurityOpts(['seccomp={"defaultAction":"SCMP_ACT_NOPE"}'])).toThrow("invalid defaultAction");
  });
});

describe("the security share of the spec", () => {
  it("gives the default profile for the container's capabilities, and no_new_privs only when asked", () => {
    const spec = buildSpec(specInput());
    applySecurity(spec, { privileged: false, securityOpt: null, maskedPaths: undefined, readonlyPaths: undefined },
      defaultSecurity());
    const sc = (spec.linux as { seccomp?: { defaultAction: string; syscalls: Array<{ names: string[] }> } }).seccomp;
    expect(sc?.defaultAction).toBe("SCMP_ACT_ERRNO");
    expect(sc?.syscalls.some((s) => s.names.includes("mount"))).toBe(false);
    expect(spec.process.noNewPrivileges).toBe(false);
    expect(spec.linux.maskedPaths.length).toBeGreaterThan(0);
  });

  it("lifts everything for --privileged: no filter, no masked paths, writable /sys, every device", () => {
    const spec = buildSpec(specInput({ privileged: true }));
    applySecurity(spec, { privileged: true, securityOpt: ["no-new-privileges"], maskedPaths: undefined,
      readonlyPaths: undefined }, defaultSecurity(), () => [{ destination: "/dev/loop0", type: "bind", source: "/dev/loop0" }]);
    expect((spec.linux as { seccomp?: unknown }).seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual([]);
    expect(spec.linux.readonlyPaths).toEqual([]);
    expect(spec.linux.resources.devices).toEqual([{ allow: true, access: "rwm" }]);
    expect(spec.mounts.find((m) => m.destination === "/sys")?.options).toContain("rw");
    expect(spec.mounts.find((m) => m.destination === "/sys")?.options).not.toContain("ro");
    expect(spec.mounts.some((m) => m.destination === "/dev/loop0")).toBe(true);
    expect(spec.process.capabilities.bounding).toContain("CAP_SYS_ADMIN");
    expect(spec.process.noNewPrivileges).toBe(true);
  });

  it("drops the filter for seccomp=unconfined and empties the system paths for systempaths=unconfined", () => {
    const spec = buildSpec(specInput());
    applySecurity(spec, { privileged: false, securityOpt: ["seccomp=unconfined"], maskedPaths: [], readonlyPaths: [] },
      defaultSecurity());
    expect((spec.linux as { seccomp?: unknown }).seccomp).toBeUndefined();
    expect(spec.linux.maskedPaths).toEqual([]);
  });
});
