/** /_ping, /version, /info. */
import { availableParallelism, hostname, release, totalmem } from "node:os";
import type { ServerResponse } from "node:http";
import { API_VERSION, MIN_API_VERSION } from "./router.js";
import { sendJson, type Ctx } from "./http.js";

export const ENGINE_VERSION = "0.1.0";

/** Headers the CLI negotiates from (it uses the version `Api-Version` announces). */
export function pingHeaders(res: ServerResponse): void {
  res.setHeader("Api-Version", API_VERSION);
  res.setHeader("Docker-Experimental", "false");
  res.setHeader("OSType", "linux");
  res.setHeader("Builder-Version", "1");
  res.setHeader("Cache-Control", "no-cache, no-store, must-revalidate");
  res.setHeader("Pragma", "no-cache");
}

export function ping(ctx: Ctx): void {
  pingHeaders(ctx.res);
  ctx.res.writeHead(200, { "Content-Type": "text/plain; charset=utf-8", "Content-Length": "2" });
  ctx.res.end(ctx.req.method === "HEAD" ? undefined : "OK");
}

const ARCH: Record<string, string> = { x64: "amd64", arm64: "arm64", arm: "arm", ia32: "386", ppc64: "ppc64le", s390x: "s390x" };

export function version(ctx: Ctx): void {
  const details = {
    ApiVersion: API_VERSION,
    MinAPIVersion: MIN_API_VERSION,
    GitCommit: "",
    GoVersion: `node ${process.version}`,
    Os: "linux",
    Arch: ARCH[process.arch] ?? process.arch,
    KernelVersion: release(),
    BuildTime: "",
    Experimental: "false",
  };
  sendJson(ctx.res, 200, {
    Platform: { Name: "Hako Engine" },
    Components: [{ Name: "Engine", Version: ENGINE_VERSION, Details: details }],
    Version: ENGINE_VERSION,
    ...details,
    Experimental: false,
  });
}

export async function info(ctx: Ctx): Promise<void> {
  const { engine } = ctx;
  const counts = engine.containers.counts();
  const images = await engine.images.list();
  const arch = process.arch === "x64" ? "x86_64" : process.arch === "arm64" ? "aarch64" : process.arch;
  sendJson(ctx.res, 200, {
    ID: engine.identity.id,
    Containers: counts.running + counts.paused + counts.stopped,
    ContainersRunning: counts.running,
    ContainersPaused: counts.paused,
    ContainersStopped: counts.stopped,
    Images: images.length,
    Driver: "overlay2",
    DriverStatus: [["Backing Filesystem", engine.host.backingFs], ["Supports d_type", "true"]],
    Plugins: { Volume: [], Network: ["null"], Authorization: null, Log: ["hako-shim"] },
    MemoryLimit: true,
    SwapLimit: engine.cgroups.swapLimit,
    KernelMemory: false,
    KernelMemoryTCP: false,
    CpuCfsPeriod: true,
    CpuCfsQuota: true,
    CPUShares: true,
    CPUSet: true,
    PidsLimit: true,
    IPv4Forwarding: false,
    BridgeNfIptables: false,
    BridgeNfIp6tables: false,
    Debug: engine.log.level === "debug",
    NFd: engine.host.openFds(),
    OomKillDisable: engine.cgroups.version === 1,
    NGoroutines: 0,
    SystemTime: new Date().toISOString(),
    LoggingDriver: "hako-shim",
    CgroupDriver: engine.cgroups.driver,
    CgroupVersion: String(engine.cgroups.version),
    NEventsListener: engine.events.subscribers,
    KernelVersion: release(),
    OperatingSystem: engine.host.operatingSystem,
    OSVersion: engine.host.osVersion,
    OSType: "linux",
    Architecture: arch,
    IndexServerAddress: "https://index.docker.io/v1/",
    RegistryConfig: { AllowNondistributableArtifactsCIDRs: [], AllowNondistributableArtifactsHostnames: [],
      InsecureRegistryCIDRs: ["127.0.0.0/8"], IndexConfigs: {}, Mirrors: [] },
    NCPU: availableParallelism(),
    MemTotal: totalmem(),
    GenericResources: null,
    DockerRootDir: engine.layout.root,
    HttpProxy: process.env.HTTP_PROXY ?? process.env.http_proxy ?? "",
    HttpsProxy: process.env.HTTPS_PROXY ?? process.env.https_proxy ?? "",
    NoProxy: process.env.NO_PROXY ?? process.env.no_proxy ?? "",
    Name: hostname(),
    Labels: [],
    ExperimentalBuild: false,
    ServerVersion: ENGINE_VERSION,
    Runtimes: Object.fromEntries(Object.entries(engine.executor.runtimes?.() ?? { [engine.executor.name]: engine.executor.path })
      .map(([name, path]) => [name, { path }])),
    DefaultRuntime: engine.executor.name,
    Swarm: { NodeID: "", NodeAddr: "", LocalNodeState: "inactive", ControlAvailable: false, Error: "", RemoteManagers: null },
    LiveRestoreEnabled: true,
    Isolation: "",
    InitBinary: "",
    ContainerdCommit: { ID: "", Expected: "" },
    RuncCommit: { ID: "", Expected: "" },
    InitCommit: { ID: "", Expected: "" },
    SecurityOptions: ["name=cgroupns", "name=no-new-privileges"],
    Warnings: engine.cgroups.swapLimit ? [] : ["WARNING: No swap limit support"],
  });
}
