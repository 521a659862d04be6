/**
 * The containers and networks that carry a team's label. A label cannot be changed on an existing container or
 * network, so renaming or removing a team that still has some would leave them labeled with a name no team has — or,
 * worse, with the name a later team might take, handing them to its members. Those changes are refused while any
 * remain.
 */
import { TEAM_LABEL } from "../../auth/team-scope";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";

export async function teamContainerNames(target: Engine, team: string): Promise<string[]> {
  const infos = await engineCall(target, (docker) => docker.listContainers({ all: true, filters: { label: [`${TEAM_LABEL}=${team}`] } }));
  return infos.map((info) => (info.Names[0] ?? info.Id.slice(0, 12)).replace(/^\//, ""));
}

export async function teamNetworkNames(target: Engine, team: string): Promise<string[]> {
  const networks = await engineCall(target, (docker) => docker.listNetworks({ filters: { label: [`${TEAM_LABEL}=${team}`] } }));
  return networks.map((network) => network.Name);
}

/** "2 containers (a, b)": a count and the first few names. */
function described(names: string[], noun: string): string {
  const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? ` and ${names.length - 3} more` : "");
  return `${names.length} ${noun}${names.length === 1 ? "" : "s"} (${shown})`;
}

/** Refuses (Conflict) to `change` the team while containers or networks carry its label, naming them. */
export async function requireNoTeamResources(target: Engine, team: string, change: string): Promise<void> {
  const [containers, networks] = await Promise.all([teamContainerNames(target, team), teamNetworkNames(target, team)]);
  const held = [
    ...(containers.length ? [described(containers, "container")] : []),
    ...(networks.length ? [described(networks, "network")] : []),
  ];
  if (held.length === 0) return;
  throw new ServiceError(
    "Conflict",
    `Team ${team} still has ${held.join(" and ")}; remove them before you ${change} it, since their ${TEAM_LABEL} label cannot change.`,
  );
}
