import { describe, expect, it } from "vitest";
import type { ImageConfig } from "../store/image-store.js";
import { mergeConfig, mergeEnv, newContainerId, newRecord, normaliseHostConfig, replaceOrAppendEnv } from "./create.js";

const ID = "0123456789abcdef".repeat(4);
const busybox: ImageConfig = {
  architecture: "amd64",
  os: "linux",
  config: { Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"], Cmd: ["sh"] },
};
const withEntrypoint: ImageConfig = {
  config: { Env: ["A=1", "B=2"], Entrypoint: ["/entry"], Cmd: ["--default"], User: "app", WorkingDir: "/srv",
    Labels: { from: "image", shared: "image" }, StopSignal: "SIGQUIT" },
};

describe("merging a create request with the image's config", () => {
  it("takes the image's command when the request has none", () => {
    const rec = newRecord({ id: ID, name: "x", request: { Image: "busybox" }, imageId: "sha256:1", image: busybox, swapLimit: true });
    expect([rec.path, rec.args]).toEqual(["sh", []]);
    expect(rec.config.Cmd).toEqual(["sh"]);
    expect(rec.config.Hostname).toBe(ID.slice(0, 12));
    expect(rec.state.status).toBe("created");
  });

  it("runs entrypoint + cmd; the request's cmd replaces the image's", () => {
    const c = mergeConfig({ Image: "i", Cmd: ["x", "y"] }, withEntrypoint, ID);
    expect([c.Entrypoint, c.Cmd]).toEqual([["/entry"], ["x", "y"]]);
  });

  it("drops the image's cmd when the request sets an entrypoint", () => {
    const c = mergeConfig({ Image: "i", Entrypoint: ["/other"] }, withEntrypoint, ID);
    expect([c.Entrypoint, c.Cmd]).toEqual([["/other"], null]);
  });

  it('treats --entrypoint "" as clearing the image\'s entrypoint', () => {
    const c = mergeConfig({ Image: "i", Entrypoint: [""], Cmd: ["ls"] }, withEntrypoint, ID);
    expect([c.Entrypoint, c.Cmd]).toEqual([null, ["ls"]]);
  });

  it("merges env (the request's first), labels (the request wins), user, workdir and stop signal", () => {
    const c = mergeConfig({ Image: "i", Env: ["B=3", "C=4"], Labels: { shared: "req" } }, withEntrypoint, ID);
    expect(c.Env).toEqual(["B=3", "C=4", "A=1"]);
    expect(c.Labels).toEqual({ from: "image", shared: "req" });
    expect([c.User, c.WorkingDir, c.StopSignal]).toEqual(["app", "/srv", "SIGQUIT"]);
  });

  it("keeps fields it does not act on, so inspect shows them", () => {
    const c = mergeConfig({ Image: "i", Healthcheck: { Test: ["NONE"] }, Hostname: "h" }, busybox, ID);
    expect(c.Healthcheck).toEqual({ Test: ["NONE"] });
    expect(c.Hostname).toBe("h");
  });

  it("refuses a relative working dir, wrong types and a missing command", () => {
    expect(() => mergeConfig({ Image: "i", WorkingDir: "rel" }, busybox, ID)).toThrow(/needs to be an absolute path/);
    expect(() => mergeConfig({ Image: "i", Env: 5 }, busybox, ID)).toThrow(/cannot unmarshal/);
    expect(() => newRecord({ id: ID, name: "x", request: { Image: "i" }, imageId: "sha256:1", image: {}, swapLimit: true }))
      .toThrow("No command specified");
  });
});

describe("host config", () => {
  it("fills in Docker's defaults", () => {
    const h = normaliseHostConfig(undefined, true);
    expect(h.Memory).toBe(0);
    expect(h.AutoRemove).toBe(false);
    expect(h.ShmSize).toBe(64 * 1024 * 1024);
    expect(h.RestartPolicy).toEqual({ Name: "no", MaximumRetryCount: 0 });
    expect(h.PidsLimit).toBeNull();
  });

  it("allows as much swap again as memory when only memory is limited (like dockerd)", () => {
    expect(normaliseHostConfig({ Memory: 32 << 20 }, true).MemorySwap).toBe(64 << 20);
    expect(normaliseHostConfig({ Memory: 32 << 20 }, false).MemorySwap).toBe(0);
    expect(normaliseHostConfig({ Memory: 32 << 20, MemorySwap: -1 }, true).MemorySwap).toBe(-1);
  });

  it("refuses what dockerd refuses", () => {
    expect(() => normaliseHostConfig({ Memory: 1 << 20 }, true)).toThrow("Minimum memory limit allowed is 6MB");
    expect(() => normaliseHostConfig({ Memory: 64 << 20, MemorySwap: 32 << 20 }, true)).toThrow(/memoryswap/);
    expect(() => normaliseHostConfig({ CapAdd: ["NOPE"] }, true)).toThrow(/unknown capability/);
    expect(() => normaliseHostConfig({ AutoRemove: true, RestartPolicy: { Name: "always" } }, true))
      .toThrow(/AutoRemove/);
    expect(() => normaliseHostConfig({ Memory: "lots" }, true)).toThrow(/cannot unmarshal/);
  });
});

describe("env helpers", () => {
  it("merge like dockerd", () => {
    expect(mergeEnv([], ["A=1"])).toEqual(["A=1"]);
    expect(mergeEnv(["A=2"], ["A=1", "B=1"])).toEqual(["A=2", "B=1"]);
    expect(replaceOrAppendEnv(["PATH=/bin", "HOSTNAME=h"], ["PATH=/x", "N=1", "HOSTNAME"])).toEqual(["PATH=/x", "N=1"]);
  });
});

describe("container IDs", () => {
  it("are 64 hex digits whose short form is never all digits", () => {
    for (let i = 0; i < 100; i++) {
      const id = newContainerId();
      expect(id).toMatch(/^[0-9a-f]{64}$/);
      expect(id.slice(0, 12)).not.toMatch(/^[0-9]+$/);
    }
  });
});
