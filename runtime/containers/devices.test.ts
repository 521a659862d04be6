import { describe, expect, it } from "vitest";
import { buildSpec } from "../oci/spec.js";
import { applyDevices, normaliseDevices } from "./devices.js";

const spec = () => buildSpec({
  id: "c", rootfs: "/r", readonlyRootfs: false, hostname: "h", args: ["true"], env: [], cwd: "/",
  user: { uid: 0, gid: 0, additionalGids: [] }, terminal: false, cgroupsPath: "/hako/c",
  resources: { memory: 0, memorySwap: 0, memoryReservation: 0, pidsLimit: null, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0,
    nanoCpus: 0 },
  capAdd: [], capDrop: [], privileged: false, engineCapabilities: [], hostHardLimits: {}, ulimits: [], shmSize: 0,
  extraMounts: [],
});

describe("--device (HostConfig.Devices)", () => {
  it("fills in the container path and the permissions as dockerd does, and refuses bad mappings (400)", () => {
    expect(normaliseDevices(null)).toBeNull();
    expect(normaliseDevices([{ PathOnHost: "/dev/null", PathInContainer: "", CgroupPermissions: "" }]))
      .toEqual([{ PathOnHost: "/dev/null", PathInContainer: "/dev/null", CgroupPermissions: "rwm" }]);
    expect(() => normaliseDevices([{ PathOnHost: "/dev/null", PathInContainer: "/x", CgroupPermissions: "rwz" }]))
      .toThrow("invalid device mode: rwz");
    expect(() => normaliseDevices([{ PathOnHost: "/dev/null", PathInContainer: "/x", CgroupPermissions: "rr" }]))
      .toThrow("invalid device mode: rr");
    expect(() => normaliseDevices([{ PathOnHost: "/dev/null", PathInContainer: "rel" }])).toThrow("not an absolute path");
    expect(() => normaliseDevices({})).toThrow("must be a list");
  });

  it("adds the host node (type, major, minor, mode) and an allow rule with the permissions after the defaults", async () => {
    const s = spec();
    const before = s.linux.resources.devices.length;
    await applyDevices(s, [{ PathOnHost: "/dev/null", PathInContainer: "/dev/mynull", CgroupPermissions: "rw" }]);
    expect(s.linux.devices).toEqual([{ path: "/dev/mynull", type: "c", major: 1, minor: 3, fileMode: 0o666, uid: 0,
      gid: 0 }]);
    expect(s.linux.resources.devices.slice(before)).toEqual([{ allow: true, type: "c", major: 1, minor: 3, access: "rw" }]);
    expect(spec().linux.resources.devices).toHaveLength(before); // the default rules are not shared
  });

  it("fails the start in dockerd's words for a path that is no device", async () => {
    await expect(applyDevices(spec(), [{ PathOnHost: "/dev/nope", PathInContainer: "/dev/nope", CgroupPermissions: "rwm" }]))
      .rejects.toThrow('error gathering device information while adding custom device "/dev/nope": no such file or directory');
    await expect(applyDevices(spec(), [{ PathOnHost: "/etc/hostname", PathInContainer: "/x", CgroupPermissions: "rwm" }]))
      .rejects.toThrow("not a device node");
  });
});
