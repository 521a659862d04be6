/**
 * Changing networks through the engine's Docker API: create, remove, connect and disconnect a container. Each returns
 * the network it acted on (ID, name, owning team) for the audit row. The engine's refusals keep its words, except
 * "has active endpoints", which is said again naming the containers that hold the network.
 */
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import { networkDetail } from "./list-networks";
import { labelsOf, TEAM_LABEL, type NetworkCreateSpec } from "./network-input";

export interface NetworkRef {
  id: string;
  name: string;
  /** the owning team (`hako.team` label), when it has one */
  team: string | null;
}

/**
 * Creates a bridge network. `ownerLabels` are added over the user's labels: the caller's hook for labels the user may
 * not choose (the team the network belongs to, `hako.team`, once the console acts within teams).
 */
export async function createNetwork(target: Engine, spec: NetworkCreateSpec, ownerLabels: Record<string, string> = {}): Promise<NetworkRef> {
  const labels = { ...labelsOf(spec.labels), ...ownerLabels };
  const ipam = spec.subnet ? [{ Subnet: spec.subnet, ...(spec.gateway ? { Gateway: spec.gateway } : {}) }] : [];
  const network = await engineCall(target, (docker) =>
    docker.createNetwork({
      Name: spec.name,
      CheckDuplicate: true,
      Driver: "bridge",
      Internal: spec.internal,
      IPAM: { Driver: "default", Config: ipam },
      Labels: labels,
    }),
  );
  return { id: network.id, name: spec.name, team: labels[TEAM_LABEL] ?? null };
}

/** Called with the network once it is found, before the change is asked of the engine (so a refusal names it). */
export type OnResolved = (network: NetworkRef) => void;

async function resolve(target: Engine, ref: string, onResolved?: OnResolved) {
  const detail = await networkDetail(target, ref);
  onResolved?.({ id: detail.id, name: detail.name, team: detail.team });
  return detail;
}

export async function removeNetwork(target: Engine, ref: string, onResolved?: OnResolved): Promise<NetworkRef> {
  const detail = await resolve(target, ref, onResolved);
  const removed = { id: detail.id, name: detail.name, team: detail.team };
  try {
    await engineCall(target, (docker) => docker.getNetwork(detail.id).remove());
  } catch (err) {
    if (err instanceof ServiceError && err.kind === "Conflict" && /active endpoints/.test(err.message)) {
      const names = detail.attached.map((c) => c.name);
      const who = names.length ? `${names.length === 1 ? "container" : `${names.length} containers`} (${names.join(", ")})` : "containers";
      throw new ServiceError("Conflict", `Network ${detail.name} is in use by ${who}: disconnect or remove them first.`, { cause: err });
    }
    throw err;
  }
  return removed;
}

export interface ConnectOptions {
  aliases: string[];
  /** a fixed IPv4 address on the network; "" for the next free one */
  ip: string;
}

export async function connectContainer(target: Engine, network: string, container: string, options: ConnectOptions, onResolved?: OnResolved): Promise<NetworkRef> {
  const detail = await resolve(target, network, onResolved);
  await engineCall(target, (docker) =>
    docker.getNetwork(detail.id).connect({
      Container: container,
      EndpointConfig: {
        ...(options.aliases.length ? { Aliases: options.aliases } : {}),
        ...(options.ip ? { IPAMConfig: { IPv4Address: options.ip } } : {}),
      },
    }),
  );
  return { id: detail.id, name: detail.name, team: detail.team };
}

export async function disconnectContainer(target: Engine, network: string, container: string, force: boolean, onResolved?: OnResolved): Promise<NetworkRef> {
  const detail = await resolve(target, network, onResolved);
  await engineCall(target, (docker) => docker.getNetwork(detail.id).disconnect({ Container: container, Force: force }));
  return { id: detail.id, name: detail.name, team: detail.team };
}
