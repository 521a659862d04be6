/**
 * Whether the engine answers, and what it is. The console polls this to show (and clear) its "engine unreachable"
 * banner, so an unreachable engine is a normal answer here, not an error.
 */
import { engineCall, EngineUnreachable, type Engine } from "../../engine/client";

export type EngineStatus =
  | { reachable: true; endpoint: string; version: string; apiVersion: string; os: string }
  | { reachable: false; endpoint: string; reason: string };

export async function engineStatus(target: Engine): Promise<EngineStatus> {
  const endpoint = target.endpoint.url;
  try {
    const version = await engineCall(target, (docker) => docker.version());
    return { reachable: true, endpoint, version: version.Version, apiVersion: version.ApiVersion, os: version.Os };
  } catch (err) {
    if (err instanceof EngineUnreachable) return { reachable: false, endpoint, reason: err.reason };
    throw err; // it answered, with an error: that is a fault to report, not an outage
  }
}
