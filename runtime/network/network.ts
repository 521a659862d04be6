/**
 * The words of networking, types only.
 *
 * - A *network* is a Linux bridge on the host with an IPv4 subnet; the built-in `bridge` network is made at the first
 *   start of an engine, user-defined ones by `docker network create`. `host` and `none` are listed too but are modes,
 *   not bridges.
 * - An *attachment* says a container belongs to a network (with the aliases and the address it asked for); it lasts
 *   from create (or connect) to remove (or disconnect).
 * - An *endpoint* is an attachment made real while the container runs: a veth pair whose host end is on the bridge and
 *   whose other end (eth0, eth1 …) is in the container's network namespace, with an address from the network's IPAM.
 *   It is made at each start and taken down at each exit, and its address is then free again.
 */
import type { PublishedPort } from "./ports.js";

export interface NetworkRecord {
  id: string;
  name: string;
  /** RFC 3339 */
  created: string;
  driver: "bridge" | "host" | "null";
  internal: boolean;
  /** "" for host and none */
  subnet: string;
  gateway: string;
  ipRange: string;
  labels: Record<string, string>;
  /** host bridge device ("" for host and none) */
  bridge: string;
  /** the engine's own networks (bridge, host, none): never removed */
  builtin: boolean;
}

export interface Attachment {
  aliases: string[];
  /** the address asked for (`--ip`), "" for any */
  wantIp: string;
  /** set while an endpoint exists */
  ip: string;
  mac: string;
  hostIf: string;
  ifName: string;
  endpointId: string;
}

/** What the network store keeps on disk (network/state.json). */
export interface NetworkState {
  networks: NetworkRecord[];
  /** container ID → network ID → attachment */
  attachments: Record<string, Record<string, Attachment>>;
  /** container ID → its published ports as last bound (host ports of random bindings kept across restarts) */
  ports: Record<string, PublishedPort[]>;
}
