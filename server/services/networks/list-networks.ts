/**
 * The Networks page's rows and one network's detail, from the engine's `GET /networks` and `GET /containers/json`.
 *
 * A container is *attached* to a network when its NetworkSettings name it, running or not (what keeps the engine from
 * removing the network). The container list carries every container's attachments, so the page costs two requests
 * however many networks and containers there are. Only the attached containers the caller may see (`maySee`, by their
 * team) are counted and listed: a built-in network such as bridge is shared by every team.
 */
import type { ContainerInfo, NetworkInspectInfo } from "dockerode";
import { engineCall, type Engine } from "../../engine/client";
import { teamOf } from "../../auth/team-scope";
import { knownStateOf, type ContainerSummary } from "../containers/list-containers";
import { BUILTIN_NETWORKS, TEAM_LABEL } from "./network-input";

export interface NetworkSummary {
  id: string;
  name: string;
  driver: string;
  subnet: string | null;
  gateway: string | null;
  /** no route out of the bridge */
  internal: boolean;
  builtin: boolean;
  /** attached containers, running or not */
  containers: number;
  created: Date | null;
  labels: Record<string, string>;
  /** the `hako.team` label, when it has one */
  team: string | null;
}

export interface AttachedContainer {
  id: string;
  name: string;
  state: ContainerSummary["state"];
  /** "10.20.0.2/24" while the container runs; null when it has no address (stopped, host or none) */
  ipv4: string | null;
  mac: string | null;
  /** the names it answers to on this network besides its own (its short ID, which the engine adds, left out) */
  aliases: string[];
}

export interface NetworkDetail extends NetworkSummary {
  attached: AttachedContainer[];
  options: Record<string, string>;
}

/** Whether the caller may see a container of `team` (null: unlabeled); everyone sees all when not given. */
export type MaySee = (team: string | null) => boolean;

const seesAll: MaySee = () => true;

export async function listNetworks(target: Engine, maySee: MaySee = seesAll): Promise<NetworkSummary[]> {
  const [networks, containers] = await Promise.all([
    engineCall(target, (docker) => docker.listNetworks()),
    engineCall(target, (docker) => docker.listContainers({ all: true })),
  ]);
  return networks
    .map((n) => summaryOf(n, attachedTo(n.Id, containers, maySee).length))
    .sort((a, b) => Number(b.builtin) - Number(a.builtin) || a.name.localeCompare(b.name));
}

export async function networkDetail(target: Engine, ref: string, maySee: MaySee = seesAll): Promise<NetworkDetail> {
  const [network, containers] = await Promise.all([
    engineCall(target, (docker) => docker.getNetwork(ref).inspect() as Promise<NetworkInspectInfo>),
    engineCall(target, (docker) => docker.listContainers({ all: true })),
  ]);
  const attached = attachedTo(network.Id, containers, maySee);
  return { ...summaryOf(network, attached.length), attached, options: network.Options ?? {} };
}

function summaryOf(n: NetworkInspectInfo, containers: number): NetworkSummary {
  const ipam = n.IPAM?.Config?.[0];
  const labels = n.Labels ?? {};
  return {
    id: n.Id,
    name: n.Name,
    driver: n.Driver,
    subnet: ipam?.Subnet || null,
    gateway: ipam?.Gateway || null,
    internal: n.Internal,
    builtin: (BUILTIN_NETWORKS as readonly string[]).includes(n.Name),
    containers,
    created: n.Created && !n.Created.startsWith("0001-") ? new Date(n.Created) : null,
    labels,
    team: labels[TEAM_LABEL] ?? null,
  };
}

function attachedTo(networkId: string, containers: ContainerInfo[], maySee: MaySee): AttachedContainer[] {
  return containers
    .filter((c) => maySee(teamOf(c.Labels)))
    .flatMap((c): AttachedContainer[] => {
      const endpoint = Object.values(c.NetworkSettings?.Networks ?? {}).find((e) => e.NetworkID === networkId);
      if (!endpoint) return [];
      const shortId = c.Id.slice(0, 12);
      return [{
        id: c.Id,
        name: (c.Names[0] ?? shortId).replace(/^\//, ""),
        state: knownStateOf(c.State),
        ipv4: endpoint.IPAddress ? `${endpoint.IPAddress}/${endpoint.IPPrefixLen}` : null,
        mac: endpoint.MacAddress || null,
        aliases: ((endpoint.Aliases as string[] | null | undefined) ?? []).filter((a) => a !== shortId),
      }];
    })
    .sort((a, b) => a.name.localeCompare(b.name));
}
