/** The Docker API shapes of a container: ContainerSummary (list) and ContainerJSON (inspect). */
import type { Layout } from "../layout.js";
import { isRunning, parseTime, type ContainerRecord } from "../containers/container.js";
import { withHealth } from "../containers/health.js";
import { statusString } from "../containers/status.js";
import { mountPoints } from "./mount-views.js";

/** The list's Command, as dockerd writes it: arguments with spaces in single quotes. */
export function command(rec: ContainerRecord): string {
  if (rec.args.length === 0) return rec.path;
  return `${rec.path} ${rec.args.map((a) => (a.includes(" ") ? `'${a}'` : a)).join(" ")}`;
}

export function containerSummary(rec: ContainerRecord, now = Date.now()) {
  const created = parseTime(rec.created);
  return {
    Id: rec.id,
    Names: [`/${rec.name}`],
    Image: rec.config.Image || rec.imageId,
    ImageID: rec.imageId,
    Command: command(rec),
    Created: Number.isNaN(created) ? 0 : Math.floor(created / 1000),
    Ports: [],
    Labels: rec.config.Labels ?? {},
    State: rec.state.status,
    Status: withHealth(statusString(rec.state, now), rec.state),
    HostConfig: { NetworkMode: String(rec.hostConfig.NetworkMode ?? "default") },
    NetworkSettings: { Networks: {} },
    Mounts: mountPoints(rec, null),
  };
}

export function containerJson(rec: ContainerRecord, layout: Layout, lowerDirs: string[]) {
  const s = rec.state;
  const id = rec.id;
  return {
    Id: id,
    Created: rec.created,
    Path: rec.path,
    Args: rec.args,
    State: {
      Status: s.status,
      Running: isRunning(rec),
      Paused: s.status === "paused",
      Restarting: s.status === "restarting",
      OOMKilled: s.oomKilled,
      Dead: s.status === "dead",
      Pid: s.pid,
      ExitCode: s.exitCode,
      Error: s.error,
      StartedAt: s.startedAt,
      FinishedAt: s.finishedAt,
      ...(s.health ? { Health: s.health } : {}),
    },
    Image: rec.imageId,
    ResolvConfPath: layout.resolvConfFile(id),
    HostnamePath: layout.hostnameFile(id),
    HostsPath: layout.hostsFile(id),
    LogPath: layout.containerLog(id),
    Name: `/${rec.name}`,
    RestartCount: rec.restartCount,
    Driver: "overlay2",
    Platform: "linux",
    MountLabel: "",
    ProcessLabel: "",
    AppArmorProfile: "",
    ExecIDs: null,
    HostConfig: rec.hostConfig,
    GraphDriver: {
      Name: "overlay2",
      Data: {
        LowerDir: lowerDirs.join(":"),
        MergedDir: layout.rootfsDir(id),
        UpperDir: layout.upperDir(id),
        WorkDir: layout.workDir(id),
      },
    },
    Mounts: mountPoints(rec, layout),
    Config: rec.config,
    NetworkSettings: {
      Bridge: "",
      SandboxID: "",
      HairpinMode: false,
      LinkLocalIPv6Address: "",
      LinkLocalIPv6PrefixLen: 0,
      Ports: {},
      SandboxKey: "",
      SecondaryIPAddresses: null,
      SecondaryIPv6Addresses: null,
      EndpointID: "",
      Gateway: "",
      GlobalIPv6Address: "",
      GlobalIPv6PrefixLen: 0,
      IPAddress: "",
      IPPrefixLen: 0,
      IPv6Gateway: "",
      MacAddress: "",
      Networks: {},
    },
  };
}
