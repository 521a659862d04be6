/**
 * Endpoints (see network.ts): plugging a container into a network while it runs (an address from the network's IPAM,
 * a veth pair, the bridge if it is not there yet) and taking all of a container's endpoints, its namespace and its
 * port proxies down again.
 *
 * Two orders are kept. Per container, network operations run one at a time ({@link Endpoints.serial}), so a start,
 * an exit and a connect of one container never interleave. On the host, a start's bridge and host ends and the
 * removal of the idle default bridge run one at a time ({@link Endpoints.bridgeOp}), so the bridge never goes under a
 * new endpoint. The default bridge exists only while a container has an endpoint on it: an idle engine adds no
 * device to the host, and an engine killed while idle leaves none behind.
 */
import { randomBytes } from "node:crypto";
import { conflict, invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import type { ContainerRecord } from "../containers/container.js";
import type { OciSpec } from "../oci/spec.js";
import { allocate, formatIp, isHostAddress, macFor, parseIp, parseSubnet } from "./ipam.js";
import type { EndpointSpec, HostLinks } from "./links.js";
import type { Attachment, NetworkRecord } from "./network.js";
import type { PortProxies } from "./proxies.js";
import type { NetworkStore } from "./store.js";

/** A new attachment to `net`, its aliases and the address asked for checked (no endpoint yet). */
export function newAttachment(net: NetworkRecord, aliases: string[], wantIp: string): Attachment {
  if (!Array.isArray(aliases) || !aliases.every((a) => typeof a === "string")) throw invalidArgument("Aliases must be a list of strings");
  if (aliases.length > 0 && net.builtin) throw invalidArgument("network-scoped alias is supported only for containers in user defined networks");
  if (wantIp) {
    const ip = parseIp(wantIp);
    if (ip === null) throw invalidArgument(`invalid IPv4 address: ${wantIp}`);
    if (!isHostAddress(parseSubnet(net.subnet), ip) || wantIp === net.gateway) {
      throw invalidArgument(`invalid address ${wantIp}: It does not belong to any of this network's subnets`);
    }
  }
  return { aliases, wantIp, ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" };
}

/** Makes the container of `spec` join the network namespace at `path`. */
export function setNetns(spec: OciSpec, path: string): void {
  spec.linux.namespaces = [...spec.linux.namespaces.filter((n) => n.type !== "network"), { type: "network", path }];
}

export class Endpoints {
  private bridgeChain: Promise<unknown> = Promise.resolve();
  private readonly chains = new Map<string, Promise<unknown>>();

  constructor(private readonly store: NetworkStore, private readonly layout: Layout, private readonly links: HostLinks,
    private readonly proxies: PortProxies) {}

  /** Runs `fn` after the container's network operations queued before it. */
  serial<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(containerId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.chains.set(containerId, next.catch(() => undefined));
    return next;
  }

  /** A removed container's queue goes with it. */
  forgetQueue(containerId: string): void {
    this.chains.delete(containerId);
  }

  /**
   * Gives each attachment (network ID → attachment, in interface order) an address and makes its endpoint as
   * `eth<index>` in the container's new namespace: one namespace with all its endpoints (see links.ts). On a failure
   * the caller calls {@link teardownNow} (within the same {@link serial}): the attachments keep their host
   * interfaces until then, so that it takes down what was made, the default bridge too if this made it.
   */
  async plugInAll(rec: ContainerRecord, atts: Array<[NetworkRecord, Attachment]>): Promise<void> {
    const specs = atts.map(([net, a], i) => this.allocate(rec, net, a, i));
    await this.links.createNetns(this.layout.netnsFile(rec.id), specs);
    await this.bridgeOp(() => this.links.plugHostEnds(specs));
  }

  /** One more endpoint in the running container's namespace (a connect). */
  async plugIn(rec: ContainerRecord, net: NetworkRecord, a: Attachment, index: number): Promise<void> {
    const spec = this.allocate(rec, net, a, index);
    try {
      await this.links.addEndpoint(this.layout.netnsFile(rec.id), spec);
      await this.bridgeOp(() => this.links.plugHostEnds([spec]));
    } catch (err) {
      // a pair made before the failure goes now, not at the container's exit
      await this.links.removeEndpoint(spec.hostIf);
      clearEndpoint(a);
      throw err;
    }
  }

  /** The attachment's address (asked for or free), MAC, host interface and name: taken at once, before any await. */
  private allocate(rec: ContainerRecord, net: NetworkRecord, a: Attachment, index: number): EndpointSpec {
    const subnet = parseSubnet(net.subnet);
    const taken = this.store.takenIps(net);
    let ip: number | null;
    if (a.wantIp) {
      ip = parseIp(a.wantIp);
      if (ip === null || taken.has(ip)) throw conflict(`Address already in use: ${a.wantIp}`);
    } else {
      ip = allocate(subnet, taken, net.ipRange ? parseSubnet(net.ipRange) : undefined);
      if (ip === null) throw conflict(`no available IPv4 addresses on network ${net.name}`);
    }
    // one default route only: through the first non-internal network with an endpoint
    const hasRoute = Object.entries(this.store.attachments(rec.id)).some(([id, x]) => x !== a && x.ip
      && !this.store.byId(id)?.internal);
    const hostIf = this.layout.vethName(randomBytes(4).toString("hex"));
    Object.assign(a, { ip: formatIp(ip), mac: macFor(ip), hostIf, ifName: `eth${index}`,
      endpointId: randomBytes(32).toString("hex") });
    return { bridge: net.bridge, bridgeAddress: net.internal ? "" : `${net.gateway}/${subnet.prefix}`, hostIf,
      ifName: a.ifName, address: a.ip, prefix: subnet.prefix, mac: a.mac,
      gateway: net.internal || hasRoute ? "" : net.gateway };
  }

  /**
   * Endpoints, namespace and proxies of the container go (call within {@link serial}); addresses are free again.
   * Not saved: a restart of hakod finds such endpoints of a stopped container in the state and takes them down.
   */
  async teardownNow(containerId: string): Promise<void> {
    this.proxies.close(containerId);
    const hostIfs: string[] = [];
    for (const a of Object.values(this.store.state.attachments[containerId] ?? {})) {
      if (a.hostIf) hostIfs.push(a.hostIf);
      clearEndpoint(a);
    }
    // independent processes: the namespace's unmount and, when this was the last endpoint on it, the default bridge
    await Promise.all([this.links.removeNetns(this.layout.netnsFile(containerId), hostIfs),
      hostIfs.length > 0 ? this.dropIdleDefaultBridge() : undefined]);
  }

  /** The default bridge goes when no endpoint is left on it, so an idle engine adds no device to the host. */
  private async dropIdleDefaultBridge(): Promise<void> {
    const net = this.store.byName("bridge");
    if (!net) return;
    await this.bridgeOp(async () => {
      const inUse = Object.values(this.store.state.attachments).some((a) => a[net.id]?.hostIf);
      if (!inUse) await this.links.deleteLink(net.bridge);
    });
  }

  /** Bridge devices are set up and removed one operation at a time (see the top of this file). */
  private bridgeOp<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.bridgeChain.catch(() => undefined).then(fn);
    this.bridgeChain = next.catch(() => undefined);
    return next;
  }
}

function clearEndpoint(a: Attachment): void {
  Object.assign(a, { ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" });
}
