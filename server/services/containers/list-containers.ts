/**
 * The Containers page's rows: every container on the engine (running or not), newest first.
 *
 * The list endpoint does not carry exit codes; Docker (and hakod) put them in the status text (`Exited (3) 2 minutes
 * ago`). That text is read first, and only a stopped container whose text says nothing is inspected, so a page of a
 * thousand containers costs one request, not a thousand.
 */
import type Docker from "dockerode";
import type { ContainerInfo } from "dockerode";
import { teamOf } from "../../auth/team-scope";
import { engineCall, type Engine } from "../../engine/client";
import type { PublishedPort } from "../networks/published-ports";

export type ContainerState = "created" | "running" | "paused" | "restarting" | "removing" | "exited" | "dead";

export interface ContainerSummary {
  id: string;
  name: string;
  state: ContainerState | "unknown";
  image: string;
  command: string;
  /** the engine's own words, e.g. "Up 5 minutes", "Exited (3) 2 minutes ago" */
  status: string;
  /** null while the container has not exited */
  exitCode: number | null;
  created: Date;
  /** the ports published on the host (while it runs) */
  ports: PublishedPort[];
  /** the team it belongs to (its `hako.team` label); null when unlabeled */
  team: string | null;
}

const knownStates = new Set<string>(["created", "running", "paused", "restarting", "removing", "exited", "dead"]);

export async function listContainers(target: Engine): Promise<ContainerSummary[]> {
  const infos = await engineCall(target, (docker) => docker.listContainers({ all: true }));
  const rows = await Promise.all(infos.map((info) => engineCall(target, (docker) => summarise(docker, info))));
  return rows.sort((a, b) => b.created.getTime() - a.created.getTime());
}

export function knownStateOf(state: string): ContainerSummary["state"] {
  return knownStates.has(state) ? (state as ContainerState) : "unknown";
}

async function summarise(docker: Docker, info: ContainerInfo): Promise<ContainerSummary> {
  const state = knownStateOf(info.State);
  return {
    id: info.Id,
    name: (info.Names[0] ?? info.Id.slice(0, 12)).replace(/^\//, ""),
    state,
    image: info.Image,
    command: info.Command,
    status: info.Status,
    exitCode: await exitCodeOf(docker, info, state),
    created: new Date(info.Created * 1000),
    ports: (info.Ports ?? []).filter((p) => p.PublicPort).map((p) => ({ hostIp: p.IP || "0.0.0.0", hostPort: p.PublicPort, containerPort: p.PrivatePort, proto: p.Type })),
    team: teamOf(info.Labels),
  };
}

async function exitCodeOf(docker: Docker, info: ContainerInfo, state: ContainerSummary["state"]): Promise<number | null> {
  if (state !== "exited" && state !== "dead") return null;
  const fromStatus = /^Exited \((-?\d+)\)/.exec(info.Status);
  if (fromStatus) return Number(fromStatus[1]);
  const inspected = await docker.getContainer(info.Id).inspect();
  return inspected.State.ExitCode;
}
