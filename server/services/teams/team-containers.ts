/**
 * The containers that carry a team's label. A label cannot be changed on an existing container, so renaming or
 * removing a team that still has containers would leave them labeled with a name no team has — or, worse, with the
 * name a later team might take, handing them to its members. Those changes are refused while any remain.
 */
import { TEAM_LABEL } from "../../auth/team-scope";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";

export async function teamContainerNames(target: Engine, team: string): Promise<string[]> {
  const infos = await engineCall(target, (docker) => docker.listContainers({ all: true, filters: { label: [`${TEAM_LABEL}=${team}`] } }));
  return infos.map((info) => (info.Names[0] ?? info.Id.slice(0, 12)).replace(/^\//, ""));
}

export async function requireNoContainers(target: Engine, team: string, change: string): Promise<void> {
  const names = await teamContainerNames(target, team);
  if (names.length === 0) return;
  const shown = names.slice(0, 3).join(", ") + (names.length > 3 ? ` and ${names.length - 3} more` : "");
  throw new ServiceError(
    "Conflict",
    `Team ${team} still has ${names.length} container${names.length === 1 ? "" : "s"} (${shown}); remove them before you ${change} it, since a container's ${TEAM_LABEL} label cannot change.`,
  );
}
