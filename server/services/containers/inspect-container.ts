/**
 * A container's detail: the Overview model and the inspect document, with environment values shown only to those
 * whose role has `container.env.read` (a viewer sees the names).
 */
import type { ContainerInspectInfo } from "dockerode";
import { isAllowed } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import { engineCall, type Engine } from "../../engine/client";
import { containerOverview, redactedInspect, type ContainerOverview } from "./container-overview";

export interface ContainerDetail {
  overview: ContainerOverview;
  /** the engine's inspect document (values of Config.Env redacted unless `envVisible`) */
  inspect: ContainerInspectInfo;
  envVisible: boolean;
}

export async function inspectContainer(target: Engine, principal: Principal, id: string): Promise<ContainerDetail> {
  const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
  const envVisible = isAllowed("container.env.read", principal.role);
  return {
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
