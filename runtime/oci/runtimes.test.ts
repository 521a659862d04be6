/**
 * Choosing the OCI runtime: hakod's flag, finding runc, and the binding of a container to the runtime of its first
 * start. hako-shim is replaced here by a stand-in that refuses every create (`/bin/false`: no handshake), so only
 * which runtime a create goes to is under test; the real runtimes run in runtime/integration/conformance.test.ts.
 */
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it, vi } from "vitest";
import { Layout } from "../layout.js";
import { parseArgs } from "../main.js";
import { chooseRuntime, findRunc, parseRuntimeName, RuntimeExecutor } from "./runtimes.js";

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), "hako-runtimes-"));
  dirs.push(d);
  return d;
}
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

describe("hakod --runtime", () => {
  it("takes hako or runc, from the flag or HAKO_RUNTIME (the flag wins); absent means hako-shim's own", () => {
    expect(parseArgs([], {})).not.toHaveProperty("runtime");
    expect(parseArgs(["--runtime", "runc"], {})).toMatchObject({ runtime: "runc" });
    expect(parseArgs(["--runtime=hako"], { HAKO_RUNTIME: "runc" })).toMatchObject({ runtime: "hako" });
    expect(parseArgs([], { HAKO_RUNTIME: "runc" })).toMatchObject({ runtime: "runc" });
  });

  it("refuses an unknown runtime", () => {
    expect(() => parseArgs(["--runtime", "crun"], {})).toThrow('unknown runtime "crun" (hako, runc)');
    expect(() => parseRuntimeName("")).toThrow(/unknown runtime/);
  });
});

describe("findRunc", () => {
  it("prefers HAKO_RUNC, else looks on PATH", () => {
    expect(findRunc({ HAKO_RUNC: "/opt/runc" })).toBe("/opt/runc");
    const bin = tempDir();
    writeFileSync(join(bin, "runc"), "#!/bin/sh\n");
    chmodSync(join(bin, "runc"), 0o755);
    expect(findRunc({ PATH: bin })).toBe(join(bin, "runc"));
  });
});

describe("RuntimeExecutor", () => {
  function setup(defaultRuntime: "hako" | "runc") {
    const layout = new Layout(tempDir());
    mkdirSync(layout.containerDir("c1"), { recursive: true });
    const executor = new RuntimeExecutor(layout, defaultRuntime, { shimPath: "/bin/false", runcPath: "/usr/sbin/runc" });
    return { layout, executor };
  }
  const req = (layout: Layout) => ({ id: "c1", bundle: layout.bundleDir("c1"), stdin: false, tty: false,
    logFile: layout.containerLog("c1") });

  it("names the default runtime for docker info", () => {
    expect(setup("hako").executor).toMatchObject({ name: "hako", path: "/bin/false" });
    expect(setup("runc").executor).toMatchObject({ name: "runc", path: "/usr/sbin/runc" });
  });

  it("binds a container to the runtime of its first start, whatever the default is later", async () => {
    const { layout, executor } = setup("runc");
    await expect(executor.create(req(layout))).rejects.toThrow(/exited without a handshake/);
    expect(readFileSync(layout.runtimeFile("c1"), "utf8")).toBe("runc\n");

    // hakod restarted with the default runtime hako: the container's next start still goes to runc
    const later = new RuntimeExecutor(layout, "hako", { shimPath: "/bin/false", runcPath: "/usr/sbin/runc" });
    const spy = vi.spyOn(later, "executorFor");
    await expect(later.create(req(layout))).rejects.toThrow();
    expect(spy).toHaveBeenCalledWith("runc");
    expect(await later.runtimeOf("c1")).toBe("runc");
  });

  it("chooses a new container's runtime: the one it names (old name hako-shim included), else the default", () => {
    const { executor } = setup("hako");
    expect(executor.runtimes()).toEqual({ hako: "/bin/false", runc: "/usr/sbin/runc" });
    expect(chooseRuntime(undefined, executor)).toBe("hako");
    expect(chooseRuntime("", executor)).toBe("hako");
    expect(chooseRuntime("runc", executor)).toBe("runc");
    expect(chooseRuntime("hako-shim", executor)).toBe("hako");
    expect(() => chooseRuntime("nope", executor)).toThrow("Unknown runtime specified nope");
    expect(chooseRuntime(undefined, setup("runc").executor)).toBe("runc");
  });

  it("starts a container without a record with the runtime it was created for", async () => {
    const { layout, executor } = setup("hako");
    const spy = vi.spyOn(executor, "executorFor");
    await expect(executor.create({ ...req(layout), runtime: "runc" })).rejects.toThrow();
    expect(spy).toHaveBeenCalledWith("runc");
    expect(readFileSync(layout.runtimeFile("c1"), "utf8")).toBe("runc\n");
  });

  it("treats a container without a record as hako-shim's", async () => {
    const { executor } = setup("runc");
    expect(await executor.runtimeOf("c1")).toBeNull();
    expect(await executor.adopt("c1")).toBeNull(); // no shim listens
    expect(await executor.readExit("c1")).toBeNull();
  });
});
