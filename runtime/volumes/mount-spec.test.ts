/** What a container mounts, from `-v`, `--mount`, `--tmpfs` and the image's VOLUME, checked as dockerd checks it. */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { isKind } from "../errors.js";
import { parseBind, parseMount, parseTmpfs, planMounts } from "./mount-spec.js";

const refused = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    expect(isKind(err, "InvalidArgument")).toBe(true);
    return (err as Error).message;
  }
  throw new Error("expected a refusal");
};

describe("-v SRC:DST[:MODE]", () => {
  it("binds an absolute source, read-write and rprivate unless told, creating it when missing", () => {
    expect(parseBind("/srv/data:/data")).toMatchObject({ type: "bind", source: "/srv/data", destination: "/data",
      readOnly: false, propagation: "rprivate", createSource: true });
    expect(parseBind("/srv/data:/data:ro,rshared")).toMatchObject({ readOnly: true, propagation: "rshared", mode: "ro,rshared" });
  });

  it("mounts a named volume for any other source, and copies the image's content into it unless nocopy", () => {
    expect(parseBind("cache:/var/cache/")).toMatchObject({ type: "volume", source: "cache", destination: "/var/cache",
      copyUp: true });
    expect(parseBind("cache:/c:ro,nocopy")).toMatchObject({ readOnly: true, copyUp: false });
  });

  it("makes an anonymous volume for a destination alone", () => {
    const m = parseBind("/data");
    expect(m).toMatchObject({ type: "volume", destination: "/data", anonymous: true });
    expect(m.source).toMatch(/^[0-9a-f]{64}$/);
    expect(parseBind("/data:ro")).toMatchObject({ type: "volume", anonymous: true, readOnly: true });
  });

  it("refuses bad specifications with dockerd's words", () => {
    expect(refused(() => parseBind("a:b:c:d"))).toBe("invalid volume specification: 'a:b:c:d'");
    expect(refused(() => parseBind("/src::ro"))).toBe("invalid volume specification: '/src::ro'");
    expect(refused(() => parseBind("/src:/dst:rw,ro"))).toContain("invalid mode: rw,ro");
    expect(refused(() => parseBind("/src:/dst:bogus"))).toContain("invalid mode: bogus");
    expect(refused(() => parseBind("/src:relative"))).toContain("mount path must be absolute");
    expect(refused(() => parseBind("/src:/"))).toContain("destination can't be '/'");
    expect(refused(() => parseBind("bad name!:/d"))).toContain("includes invalid characters for a local volume name");
    expect(refused(() => parseBind("vol:/d:rshared"))).toContain("invalid mode");
  });
});

describe("--mount", () => {
  it("binds only an existing source", () => {
    const dir = mkdtempSync(join(tmpdir(), "hako-mount-"));
    expect(parseMount({ Type: "bind", Source: dir, Target: "/b", ReadOnly: true })).toMatchObject({
      type: "bind", source: dir, destination: "/b", readOnly: true, propagation: "rprivate" });
    expect(refused(() => parseMount({ Type: "bind", Source: join(dir, "nope"), Target: "/b" })))
      .toBe(`invalid mount config for type "bind": bind source path does not exist: ${join(dir, "nope")}`);
    expect(refused(() => parseMount({ Type: "bind", Target: "/b" }))).toContain("field Source must not be empty");
    expect(refused(() => parseMount({ Type: "bind", Source: dir, Target: "/b", VolumeOptions: {} })))
      .toContain("field VolumeOptions must not be specified");
  });

  it("mounts volumes, anonymous when unnamed, with nocopy", () => {
    expect(parseMount({ Type: "volume", Source: "v1", Target: "/v", VolumeOptions: { NoCopy: true } }))
      .toMatchObject({ type: "volume", source: "v1", copyUp: false });
    expect(parseMount({ Type: "volume", Target: "/v" })).toMatchObject({ anonymous: true });
  });

  it("mounts tmpfs with a size and mode", () => {
    expect(parseMount({ Type: "tmpfs", Target: "/t", TmpfsOptions: { SizeBytes: 1048576, Mode: 0o1777 } }))
      .toMatchObject({ type: "tmpfs", tmpfsOptions: ["size=1048576", "mode=1777"] });
    expect(refused(() => parseMount({ Type: "tmpfs", Source: "x", Target: "/t" }))).toContain("field Source must not be specified");
  });

  it("refuses unknown types and missing targets", () => {
    expect(refused(() => parseMount({ Type: "nfs", Target: "/x" }))).toContain('mount type unknown: "nfs"');
    expect(refused(() => parseMount({ Type: "volume", Source: "v" }))).toContain("field Target must not be empty");
  });
});

describe("--tmpfs", () => {
  it("takes mount options and refuses unknown ones", () => {
    expect(parseTmpfs("/run", "size=64k,mode=1777,exec")).toMatchObject({ destination: "/run",
      tmpfsOptions: ["size=64k", "mode=1777", "exec"] });
    expect(refused(() => parseTmpfs("/run", "size=1m,bogus"))).toContain('invalid tmpfs option "bogus"');
    expect(refused(() => parseTmpfs("run", ""))).toContain("mount path must be absolute");
  });
});

describe("a container's mounts", () => {
  it("adds an anonymous volume for each VOLUME nothing else mounts, and refuses a destination twice", () => {
    const ms = planMounts({ binds: ["named:/data"], mounts: null, tmpfs: { "/run": "" },
      volumes: { "/data": {}, "/cache": {} } });
    expect(ms.map((m) => [m.type, m.destination, m.anonymous === true])).toEqual([
      ["volume", "/data", false], ["tmpfs", "/run", false], ["volume", "/cache", true]]);
    expect(refused(() => planMounts({ binds: ["aa:/x"], mounts: [{ Type: "volume", Source: "bb", Target: "/x" }],
      tmpfs: null, volumes: null }))).toBe("Duplicate mount point: /x");
  });
});
