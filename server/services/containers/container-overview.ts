/**
 * The Overview tab's model of a container, read from the engine's inspect document (Docker's field names and
 * semantics). Pure: the caller decides whether environment values may be shown.
 */
import type { ContainerInspectInfo } from "dockerode";
import { REDACTED } from "../../audit/redact";
import { publishedPortsOf, type PublishedPort } from "../networks/published-ports";
import { knownStateOf, type ContainerSummary } from "./list-containers";

export interface EnvVar {
  name: string;
  /** null when the viewer may not see values */
  value: string | null;
}

export interface ContainerOverview {
  id: string;
  name: string;
  state: ContainerSummary["state"];
  running: boolean;
  /** meaningful once the container has run and stopped */
  exitCode: number | null;
  error: string | null;
  oomKilled: boolean;
  created: Date;
  startedAt: Date | null;
  finishedAt: Date | null;
  image: string;
  imageId: string;
  command: string[];
  ports: { container: string; host: string | null }[];
  /** the ports published on the host, for links */
  published: PublishedPort[];
  /** the networks it is attached to, with its address on each (null when it has none: stopped, host, none) */
  networks: { id: string; name: string; ipv4: string | null }[];
  mounts: { type: string; source: string; destination: string; readOnly: boolean }[];
  restartPolicy: { name: string; maxRetries: number };
  restartCount: number;
  health: { status: string; failingStreak: number; lastOutput: string | null } | null;
  labels: [string, string][];
  env: EnvVar[];
  tty: boolean;
  user: string;
  workdir: string;
  limits: { memory: number; nanoCpus: number; pidsLimit: number | null };
  privileged: boolean;
  readOnly: boolean;
  init: boolean;
  capAdd: string[];
  capDrop: string[];
}

type Inspect = ContainerInspectInfo & { HostConfig: { Init?: boolean | null; PidsLimit?: number | null; NanoCpus?: number } };

const date = (value: string | undefined): Date | null => (value && !value.startsWith("0001-") ? new Date(value) : null);

export function containerOverview(info: Inspect, showEnvValues: boolean): ContainerOverview {
  const state = knownStateOf(info.State.Status);
  const host = info.HostConfig;
  const lastCheck = info.State.Health?.Log?.at(-1);
  const ports = Object.entries(info.NetworkSettings?.Ports ?? {}).flatMap(([container, bindings]): ContainerOverview["ports"] =>
    bindings?.length ? bindings.map((b) => ({ container, host: `${b.HostIp || "0.0.0.0"}:${b.HostPort}` })) : [{ container, host: null }],
  );
  return {
    id: info.Id,
    name: info.Name.replace(/^\//, ""),
    state,
    running: info.State.Running,
    exitCode: state === "exited" || state === "dead" ? info.State.ExitCode : null,
    error: info.State.Error || null,
    oomKilled: info.State.OOMKilled,
    created: new Date(info.Created),
    startedAt: date(info.State.StartedAt),
    finishedAt: date(info.State.FinishedAt),
    image: info.Config.Image,
    imageId: info.Image,
    command: [info.Path, ...(info.Args ?? [])].filter((part) => part !== ""),
    ports,
    published: publishedPortsOf(info.NetworkSettings?.Ports),
    networks: Object.entries(info.NetworkSettings?.Networks ?? {}).map(([name, e]) => ({ id: e.NetworkID, name, ipv4: e.IPAddress ? `${e.IPAddress}/${e.IPPrefixLen}` : null })),
    mounts: (info.Mounts ?? []).map((m) => ({ type: m.Type, source: m.Name ?? m.Source, destination: m.Destination, readOnly: !m.RW })),
    restartPolicy: { name: host.RestartPolicy?.Name || "no", maxRetries: host.RestartPolicy?.MaximumRetryCount ?? 0 },
    restartCount: info.RestartCount ?? 0,
    health: info.State.Health
      ? { status: info.State.Health.Status, failingStreak: info.State.Health.FailingStreak, lastOutput: lastCheck?.Output?.trim() || null }
      : null,
    labels: Object.entries(info.Config.Labels ?? {}).sort(([a], [b]) => a.localeCompare(b)),
    env: (info.Config.Env ?? []).map((entry) => envVar(entry, showEnvValues)),
    tty: info.Config.Tty,
    user: info.Config.User ?? "",
    workdir: info.Config.WorkingDir ?? "",
    limits: { memory: host.Memory ?? 0, nanoCpus: host.NanoCpus ?? 0, pidsLimit: host.PidsLimit && host.PidsLimit > 0 ? host.PidsLimit : null },
    privileged: host.Privileged ?? false,
    readOnly: host.ReadonlyRootfs ?? false,
    init: host.Init ?? false,
    capAdd: host.CapAdd ?? [],
    capDrop: host.CapDrop ?? [],
  };
}

function envVar(entry: string, showValue: boolean): EnvVar {
  const eq = entry.indexOf("=");
  if (eq < 0) return { name: entry, value: showValue ? "" : null };
  return { name: entry.slice(0, eq), value: showValue ? entry.slice(eq + 1) : null };
}

/** The inspect document with environment values replaced, for those who may not read them. */
export function redactedInspect<T extends { Config?: { Env?: string[] | null } | null }>(info: T): T {
  if (!info.Config?.Env) return info;
  const env = info.Config.Env.map((entry) => {
    const eq = entry.indexOf("=");
    return eq < 0 ? entry : `${entry.slice(0, eq)}=${REDACTED}`;
  });
  return { ...info, Config: { ...info.Config, Env: env } };
}
