/**
 * The run form's networking: which network the container joins (`--network`), with an alias and a fixed address on a
 * user-defined network (`--network-alias`, `--ip`), and its published ports (`-p` rows, `-P`). The run spec
 * (../containers/run-spec.ts) includes these fields, their checks and their part of the create body.
 *
 * Words: the *network* is "" for the engine's default (the bridge), "bridge", "host", "none" or a user network's name.
 */
import type { ContainerCreateOptions } from "dockerode";
import { z } from "zod";
import { BUILTIN_NETWORKS, ipv4ToNumber } from "./network-input";
import { portRequest, portRowProblem, portRowSchema, type PortRow } from "./published-ports";

export const runNetworkingFields = {
  network: z.string().trim().max(256).default(""),
  networkAliases: z.array(z.string().trim().max(253)).max(16).default([]),
  ip: z.string().trim().max(15).default(""),
  ports: z.array(portRowSchema).max(100).default([]),
  publishAll: z.boolean().default(false),
};

interface RunNetworking {
  network: string;
  networkAliases: string[];
  ip: string;
  ports: PortRow[];
  publishAll: boolean;
}

/** Whether `network` names a user-defined network (one that may belong to a team), not the default or a built-in one. */
export const isUserNetwork = (network: string) => network !== "" && !(BUILTIN_NETWORKS as readonly string[]).includes(network);

/** Reports each problem of the networking fields through `problem(path, message)`. */
export function runNetworkingProblems(input: RunNetworking, problem: (path: (string | number)[], message: string) => void): void {
  if (input.network && !/^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/.test(input.network)) problem(["network"], "Choose a network from the list.");
  if (!isUserNetwork(input.network)) {
    if (input.networkAliases.length) problem(["networkAliases"], "Aliases work only on a user-defined network: choose one, or leave the aliases empty.");
    if (input.ip) problem(["ip"], "A fixed address works only on a user-defined network with a subnet: choose one, or leave it empty.");
  }
  input.networkAliases.forEach((alias, i) => {
    if (!/^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(alias)) problem(["networkAliases", i], `"${alias.slice(0, 40)}" is not a host name: use letters, digits, _ . -.`);
  });
  if (input.ip && ipv4ToNumber(input.ip) === null) problem(["ip"], "Write an IPv4 address, such as 10.20.0.5.");
  const publishes = input.ports.length > 0 || input.publishAll;
  if (publishes && (input.network === "host" || input.network === "none")) {
    problem(["ports"], input.network === "host"
      ? "With the host network the container uses the host's ports directly: remove the published ports."
      : "A container with no network cannot publish ports: choose a network, or remove the published ports.");
  }
  input.ports.forEach((row, i) => {
    const message = portRowProblem(row, i);
    if (message) problem(["ports", i], message);
  });
}

/** Adds the networking part of the create body (`NetworkMode`, ports, the user network's endpoint settings). */
export function applyRunNetworking(body: ContainerCreateOptions, spec: RunNetworking): void {
  const host = (body.HostConfig ??= {});
  if (spec.network) host.NetworkMode = spec.network;
  if (spec.ports.length) {
    const { ExposedPorts, PortBindings } = portRequest(spec.ports);
    body.ExposedPorts = { ...body.ExposedPorts, ...ExposedPorts };
    host.PortBindings = PortBindings;
  }
  if (spec.publishAll) host.PublishAllPorts = true;
  if (isUserNetwork(spec.network) && (spec.networkAliases.length || spec.ip)) {
    body.NetworkingConfig = {
      EndpointsConfig: {
        [spec.network]: {
          ...(spec.networkAliases.length ? { Aliases: spec.networkAliases } : {}),
          ...(spec.ip ? { IPAMConfig: { IPv4Address: spec.ip } } : {}),
        },
      },
    };
  }
}
