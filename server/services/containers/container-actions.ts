/**
 * What the Overview's buttons do: start, stop, restart, kill, pause, unpause, remove, each one engine request with
 * Docker's semantics (a container in the wrong state gets the engine's 409 or 304, reported as a Conflict). After the
 * action the container is read again, so the answer says where it ended up (e.g. stopped, exit code 137).
 */
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import type { ContainerAction, KillSignal } from "./action-names";
import { knownStateOf, type ContainerSummary } from "./list-containers";

export interface ActionOptions {
  signal?: KillSignal;
  /** remove: also stop a running container first (`docker rm -f`) */
  force?: boolean;
}

export interface ActionResult {
  action: ContainerAction;
  /** null once removed */
  state: ContainerSummary["state"] | null;
  exitCode: number | null;
}

export async function runContainerAction(target: Engine, id: string, action: ContainerAction, options: ActionOptions = {}): Promise<ActionResult> {
  await engineCall(target, (docker) => {
    const container = docker.getContainer(id);
    switch (action) {
      case "start": return container.start();
      case "stop": return container.stop();
      case "restart": return container.restart();
      case "kill": return container.kill({ signal: options.signal ?? "SIGKILL" });
      case "pause": return container.pause();
      case "unpause": return container.unpause();
      case "remove": return container.remove({ force: options.force ?? false });
    }
  }, { patient: action === "stop" || action === "restart" || action === "remove" });
  if (action === "remove") return { action, state: null, exitCode: null };
  return { action, ...(await stateOf(target, id)) };
}

async function stateOf(target: Engine, id: string): Promise<Omit<ActionResult, "action">> {
  try {
    const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
    const state = knownStateOf(info.State.Status);
    return { state, exitCode: state === "exited" || state === "dead" ? info.State.ExitCode : null };
  } catch (err) {
    // --rm containers vanish when they stop: the action worked, there is just nothing left to read
    if (err instanceof ServiceError && err.kind === "NotFound") return { state: null, exitCode: null };
    throw err;
  }
}
