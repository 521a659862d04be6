/**
 * A container's detail: the Overview model and the inspect document, with environment values shown only to those
 * whose role has `container.env.read` (a viewer sees the names).
 */
import type { ContainerInspectInfo } from "dockerode";
import { isAllowed, type Role } from "../../auth/permissions";
import { teamOf } from "../../auth/team-scope";
import type { Principal } from "../../auth/principal";
import { engineCall, type Engine } from "../../engine/client";
import { containerOverview, redactedInspect, type ContainerOverview } from "./container-overview";

export interface ContainerDetail {
  overview: ContainerOverview;
  /** the engine's inspect document (values of Config.Env redacted unless `envVisible`) */
  inspect: ContainerInspectInfo;
  envVisible: boolean;
  /** the team it belongs to (its `hako.team` label); null when unlabeled */
  team: string | null;
}

export async function inspectContainer(target: Engine, principal: Principal, id: string): Promise<ContainerDetail> {
  const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
  return containerDetail(info, principal.role, teamOf(info.Config.Labels));
}

/** The detail of an inspected container for someone whose role on it (see ../../auth/team-scope.ts) is `role`. */
export function containerDetail(info: ContainerInspectInfo, role: Role, team: string | null): ContainerDetail {
  const envVisible = isAllowed("container.env.read", role);
  return {
    team,
    overview: containerOverview(info, envVisible),
    inspect: envVisible ? info : redactedInspect(info),
    envVisible,
  };
}

/** Who the audit log should name as the target: the container's name when the engine still knows it. */
export async function containerTarget(target: Engine, id: string): Promise<{ kind: "container"; id: string; name: string | null }> {
  try {
    const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
    return { kind: "container", id: info.Id, name: info.Name.replace(/^\//, "") };
  } catch {
    return { kind: "container", id, name: null };
  }
}
