/**
 * "Run container": create, then start, as `docker run -d` does. A privileged container needs the admin-only
 * refinement `container.create.privileged`. If the start fails the container stays (created), as with the docker CLI,
 * and the error says so, naming it, so that it can be fixed or removed from its page.
 */
import { requirePermission } from "../../auth/require-permission";
import type { Principal } from "../../auth/principal";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import { createBody, type RunSpec } from "./run-spec";

export interface RunResult {
  id: string;
  name: string;
}

export async function runContainer(target: Engine, principal: Principal, spec: RunSpec, onCreated?: (created: RunResult) => void): Promise<RunResult> {
  if (spec.privileged) requirePermission(principal, "container.create.privileged");
  const container = await engineCall(target, (docker) => docker.createContainer(createBody(spec)));
  const info = await engineCall(target, (docker) => docker.getContainer(container.id).inspect());
  const created = { id: container.id, name: info.Name.replace(/^\//, "") };
  onCreated?.(created);
  try {
    await engineCall(target, (docker) => docker.getContainer(container.id).start(), { patient: true });
  } catch (err) {
    const reason = err instanceof ServiceError ? err.message : String(err);
    const kind = err instanceof ServiceError ? err.kind : "Unavailable";
    throw new ServiceError(kind, `Created ${created.name}, but it did not start: ${reason}`, { cause: err });
  }
  return created;
}
