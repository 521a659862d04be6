/**
 * Network records: creating, looking up (by ID, name or unique ID prefix), removing and pruning networks, the
 * built-in ones (bridge, host, none), and the IPAM choice of a network's subnet, gateway and ip range.
 *
 * A subnet must overlap neither another network's nor an address the host has on an interface not ours, or traffic
 * to it would be routed two ways; without `--subnet` the first free one of the engine's candidates is taken.
 */
import { randomBytes } from "node:crypto";
import { conflict, forbidden, invalidArgument, notFound } from "../errors.js";
import type { Layout } from "../layout.js";
import {
  candidateSubnets, contains, firstHost, formatIp, formatSubnet, isHostAddress, overlaps, parseIp, parseSubnet,
  type Subnet,
} from "./ipam.js";
import type { HostLinks } from "./links.js";
import type { NetworkRecord } from "./network.js";
import type { NetworkStore } from "./store.js";

export interface NetworkCreate {
  name: string;
  internal?: boolean;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  labels?: Record<string, string>;
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function rfc3339(): string {
  return new Date().toISOString();
}

/** Makes (or keeps) a network's bridge device, with the gateway address unless the network is internal. */
export async function ensureBridge(links: HostLinks, n: NetworkRecord): Promise<void> {
  const s = parseSubnet(n.subnet);
  await links.ensureBridge(n.bridge, n.internal ? "" : n.gateway, s.prefix);
}

export class NetworkRecords {
  constructor(private readonly store: NetworkStore, private readonly layout: Layout, private readonly links: HostLinks) {}

  /** Adds the built-in networks missing from the state and makes the bridges of user networks. */
  async ensureBuiltins(): Promise<void> {
    const state = this.store.state;
    const builtin = (name: string, driver: NetworkRecord["driver"]): NetworkRecord => ({
      id: randomBytes(32).toString("hex"), name, created: rfc3339(), driver, internal: false, subnet: "", gateway: "",
      ipRange: "", labels: {}, bridge: "", builtin: true,
    });
    if (!this.store.byName("bridge")) {
      const subnet = await this.freeSubnet();
      state.networks.push({ ...builtin("bridge", "bridge"), subnet: formatSubnet(subnet),
        gateway: formatIp(firstHost(subnet)), bridge: this.layout.defaultBridge() });
    }
    if (!this.store.byName("host")) state.networks.push(builtin("host", "host"));
    if (!this.store.byName("none")) state.networks.push(builtin("none", "null"));
    // user networks' bridges exist while the network does; the default one only while a container uses it
    for (const n of state.networks) if (n.bridge && !n.builtin) await ensureBridge(this.links, n);
  }

  list(): NetworkRecord[] {
    return [...this.store.state.networks];
  }

  /** By full ID, exact name, or unique ID prefix (dockerd's order). */
  get(ref: string): NetworkRecord {
    const n = this.store.byId(ref) ?? this.store.byName(ref);
    if (n) return n;
    const prefixed = ref.length > 0 ? this.store.state.networks.filter((x) => x.id.startsWith(ref)) : [];
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1) throw invalidArgument(`network ${ref} is ambiguous (${prefixed.length} matches found based on ID prefix)`);
    throw notFound(`network ${ref} not found`);
  }

  async create(req: NetworkCreate): Promise<NetworkRecord> {
    if (!req.name) throw invalidArgument("network name must be given");
    if (!NAME_RE.test(req.name)) throw invalidArgument(`invalid network name "${req.name}": it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    if (["host", "none", "default", "bridge"].includes(req.name) || this.store.byName(req.name)) {
      throw conflict(`network with name ${req.name} already exists`);
    }
    const { subnet, gateway } = await this.addressing(req);
    const id = randomBytes(32).toString("hex");
    const net: NetworkRecord = {
      id, name: req.name, created: rfc3339(), driver: "bridge", internal: req.internal === true,
      subnet: formatSubnet(subnet), gateway: formatIp(gateway), ipRange: req.ipRange ?? "", labels: req.labels ?? {},
      bridge: this.layout.bridgeName(id), builtin: false,
    };
    await ensureBridge(this.links, net);
    this.store.state.networks.push(net);
    try {
      await this.store.save();
    } catch (err) {
      this.store.state.networks = this.store.state.networks.filter((n) => n !== net);
      await this.links.deleteLink(net.bridge);
      throw err;
    }
    return net;
  }

  /**
   * Containers with an endpoint on the network: the running ones (and one being started). Only these keep a network
   * from being removed or pruned, as in Docker, where a stopped container has no endpoint: it keeps its settings,
   * and a later start fails with "network … not found" once the network is gone.
   */
  users(net: NetworkRecord): string[] {
    return Object.entries(this.store.state.attachments).filter(([, a]) => a[net.id]?.ip).map(([id]) => id);
  }

  async remove(ref: string): Promise<void> {
    const net = this.get(ref);
    if (net.builtin) throw forbidden(`${net.name} is a pre-defined network and cannot be removed`);
    if (this.users(net).length > 0) {
      throw forbidden(`error while removing network: network ${net.name} id ${net.id} has active endpoints`);
    }
    this.store.state.networks = this.store.state.networks.filter((n) => n.id !== net.id);
    await this.store.save();
    await this.links.deleteLink(net.bridge);
  }

  /** Removes the user-defined networks no container uses (and that `keep` does not hold back). */
  async prune(keep: (n: NetworkRecord) => boolean): Promise<string[]> {
    const gone: string[] = [];
    for (const n of this.list()) {
      if (n.builtin || keep(n) || this.users(n).length > 0) continue;
      await this.remove(n.id);
      gone.push(n.name);
    }
    return gone;
  }

  // ---- IPAM: subnet, gateway, ip range ----

  /** The subnet and gateway of a network to create, checked against the others and the host's. */
  private async addressing(req: NetworkCreate): Promise<{ subnet: Subnet; gateway: number }> {
    let subnet: Subnet;
    if (req.subnet) {
      subnet = parseSubnet(req.subnet);
      const hostNets = (await this.links.hostSubnets()).map((s) => parseSubnetLoose(s)).filter((s) => s !== null);
      const clash = this.store.state.networks.find((n) => n.subnet && overlaps(parseSubnet(n.subnet), subnet));
      if (clash || hostNets.some((h) => overlaps(h, subnet) && !this.isOurs(h))) {
        throw forbidden(`Pool overlaps with other one on this address space${clash ? ` (network ${clash.name}, ${clash.subnet})` : ""}`);
      }
    } else {
      if (req.gateway || req.ipRange) throw invalidArgument("a gateway or an ip range needs a subnet (--subnet)");
      subnet = await this.freeSubnet();
    }
    let gateway = firstHost(subnet);
    if (req.gateway) {
      const g = parseIp(req.gateway);
      if (g === null) throw invalidArgument(`invalid gateway address: ${req.gateway}`);
      if (!isHostAddress(subnet, g)) throw invalidArgument(`gateway ${req.gateway} is not a host address of subnet ${formatSubnet(subnet)}`);
      gateway = g;
    }
    if (req.ipRange) {
      const r = parseSubnet(req.ipRange);
      if (!contains(subnet, r.base) || r.prefix < subnet.prefix) {
        throw invalidArgument(`ip range ${req.ipRange} is not within subnet ${formatSubnet(subnet)}`);
      }
    }
    return { subnet, gateway };
  }

  /** A host address within one of our networks is on our own bridge, not a clash. */
  private isOurs(s: Subnet): boolean {
    return this.store.state.networks.some((n) => n.subnet && overlaps(parseSubnet(n.subnet), s));
  }

  private async freeSubnet(): Promise<Subnet> {
    const used = [...(await this.links.hostSubnets()).map(parseSubnetLoose).filter((s) => s !== null),
      ...this.store.state.networks.filter((n) => n.subnet).map((n) => parseSubnet(n.subnet))];
    for (const c of candidateSubnets(this.layout.instance)) if (!used.some((u) => overlaps(u, c))) return c;
    throw conflict("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  }
}

/** A host interface's "a.b.c.d/len" as the subnet it lies in. */
function parseSubnetLoose(s: string): Subnet | null {
  const [ip, len] = s.split("/");
  const n = parseIp(ip ?? "");
  const p = Number(len);
  if (n === null || !(p >= 0 && p <= 32)) return null;
  const m = p === 0 ? 0 : (0xffffffff << (32 - p)) >>> 0;
  return { base: (n & m) >>> 0, prefix: p };
}
