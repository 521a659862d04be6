/**
 * Endpoints (see network.ts): plugging a container into a network while it runs (an address from the network's IPAM,
 * a veth pair, the bridge if it is not there yet) and taking all of a container's endpoints, its namespace and its
 * port proxies down again.
 *
 * Two orders are kept. Per container, network operations run one at a time ({@link Endpoints.serial}), so a start,
 * an exit and a connect of one container never interleave. On the host, bridge devices are made and removed one
 * operation at a time, so the idle default bridge never goes under a new endpoint.
 */
import { randomBytes } from "node:crypto";
import { conflict, invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import type { ContainerRecord } from "../containers/container.js";
import type { OciSpec } from "../oci/spec.js";
import { allocate, formatIp, isHostAddress, macFor, parseIp, parseSubnet } from "./ipam.js";
import type { HostLinks } from "./links.js";
import type { Attachment, NetworkRecord } from "./network.js";
import type { PortProxies } from "./proxies.js";
import { ensureBridge } from "./records.js";
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

  /** Gives the attachment an address and makes its endpoint as `eth<index>` in the container's namespace. */
  async plugIn(rec: ContainerRecord, net: NetworkRecord, a: Attachment, index: number): Promise<void> {
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
    // taken before the first await, so two starts cannot pick one address
    const hostIf = this.layout.vethName(randomBytes(4).toString("hex"));
    Object.assign(a, { ip: formatIp(ip), mac: macFor(ip), hostIf, ifName: `eth${index}`,
      endpointId: randomBytes(32).toString("hex") });
    // one default route only: through the first non-internal network plugged in
    const hasRoute = Object.entries(this.store.attachments(rec.id)).some(([id, x]) => x !== a && x.ip
      && !this.store.state.networks.find((n) => n.id === id)?.internal);
    try {
      await this.bridgeOp(async () => {
        await ensureBridge(this.links, net);
        await this.links.addEndpoint({ netns: this.layout.netnsFile(rec.id), bridge: net.bridge, hostIf, ifName: a.ifName,
          address: a.ip, prefix: subnet.prefix, mac: a.mac, gateway: net.internal || hasRoute ? "" : net.gateway });
      });
    } catch (err) {
      Object.assign(a, { ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" });
      throw err;
    }
  }

  /** Endpoints, namespace and proxies of the container go (call within {@link serial}); addresses are free again. */
  async teardownNow(containerId: string): Promise<void> {
    this.proxies.close(containerId);
    const atts = this.store.state.attachments[containerId] ?? {};
    let changed = false;
    for (const a of Object.values(atts)) {
      if (a.hostIf) await this.links.removeEndpoint(a.hostIf);
      if (a.ip || a.hostIf) changed = true;
      Object.assign(a, { ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" });
    }
    await this.links.removeNetns(this.layout.netnsFile(containerId));
    if (changed) await this.store.save();
    await this.dropIdleDefaultBridge();
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

  /** Bridge devices are made and removed one operation at a time, so the idle default bridge never goes under a new endpoint. */
  private bridgeOp<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.bridgeChain.catch(() => undefined).then(fn);
    this.bridgeChain = next.catch(() => undefined);
    return next;
  }
}
