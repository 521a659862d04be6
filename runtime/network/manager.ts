/**
 * The network manager: networks (create, list, remove, prune), containers' attachments (connect, disconnect) and their
 * endpoints, which it makes at each start of a container and takes down at each exit (hooks.ts wires it into the
 * container lifecycle). State is one file (network/state.json, see network.ts), rewritten atomically after each change.
 *
 * Name resolution is by maintained /etc/hosts entries rather than an embedded DNS server: each container's hosts file
 * (bind-mounted from the data root) lists its own address and, on user-defined networks, every other running member
 * by name, aliases and short ID, and is rewritten whenever a member starts, stops, connects, disconnects or is renamed.
 * That needs no listener inside each network, works with any libc and nothing can be lost across a restart of hakod;
 * what it cannot do is answer for names of containers that join later to a program that cached the file (busybox and
 * glibc re-read it on every lookup).
 */
import { randomBytes } from "node:crypto";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { Logger } from "../engine.js";
import { conflict, invalidArgument, notFound } from "../errors.js";
import type { Layout } from "../layout.js";
import { writeJsonAtomic } from "../store/atomic-file.js";
import { hostsFile, resolvConf } from "../containers/env.js";
import type { ContainerRecord } from "../containers/container.js";
import type { OciSpec } from "../oci/spec.js";
import {
  allocate, candidateSubnets, contains, firstHost, formatIp, formatSubnet, isHostAddress, macFor, overlaps, parseIp,
  parseSubnet, type Subnet,
} from "./ipam.js";
import { HostLinks } from "./links.js";
import type { Attachment, NetworkRecord, NetworkState } from "./network.js";
import { planPorts, startProxies, type PortProxy } from "./ports.js";

export interface NetworkCreate {
  name: string;
  internal?: boolean;
  subnet?: string;
  gateway?: string;
  ipRange?: string;
  labels?: Record<string, string>;
}

/** What the network manager needs to know of containers. */
export interface ContainerLookup {
  get(ref: string): ContainerRecord;
  list(): ContainerRecord[];
}

const NAME_RE = /^[a-zA-Z0-9][a-zA-Z0-9_.-]*$/;

function rfc3339(): string {
  return new Date().toISOString();
}

export class NetworkManager {
  private state: NetworkState = { networks: [], attachments: {}, ports: {} };
  private saving: Promise<void> = Promise.resolve();
  private bridgeChain: Promise<unknown> = Promise.resolve();
  private readonly proxies = new Map<string, PortProxy[]>();
  private readonly chains = new Map<string, Promise<unknown>>();
  containers!: ContainerLookup;

  constructor(private readonly layout: Layout, private readonly log: Logger,
    private readonly host: { resolvConf: string }, readonly links = new HostLinks()) {}

  // ---- start-up ----

  /** Loads the state and makes sure the built-in networks and the default bridge exist. */
  async init(): Promise<void> {
    await mkdir(this.layout.networkDir(), { recursive: true, mode: 0o700 });
    await mkdir(this.layout.netnsDir(), { recursive: true, mode: 0o700 });
    try {
      this.state = { ...this.state, ...JSON.parse(await readFile(this.layout.networkStateFile(), "utf8")) as NetworkState };
    } catch {
      // first start
    }
    const builtin = (name: string, driver: NetworkRecord["driver"]): NetworkRecord => ({
      id: randomBytes(32).toString("hex"), name, created: rfc3339(), driver, internal: false, subnet: "", gateway: "",
      ipRange: "", labels: {}, bridge: "", builtin: true,
    });
    if (!this.byName("bridge")) {
      const subnet = await this.freeSubnet();
      this.state.networks.push({ ...builtin("bridge", "bridge"), subnet: formatSubnet(subnet),
        gateway: formatIp(firstHost(subnet)), bridge: this.layout.defaultBridge() });
    }
    if (!this.byName("host")) this.state.networks.push(builtin("host", "host"));
    if (!this.byName("none")) this.state.networks.push(builtin("none", "null"));
    // user networks' bridges exist while the network does; the default one only while a container uses it
    for (const n of this.state.networks) if (n.bridge && !n.builtin) await this.ensureBridge(n);
    await this.save();
  }

  /** After the containers are known: endpoints of containers that no longer run are taken down, those of gone ones dropped. */
  async reconcile(): Promise<void> {
    const known = new Map(this.containers.list().map((c) => [c.id, c]));
    for (const id of Object.keys(this.state.attachments)) {
      const rec = known.get(id);
      if (!rec) {
        await this.teardown(id);
        delete this.state.attachments[id];
        delete this.state.ports[id];
      } else if (!rec.state.pid) {
        await this.teardown(id);
      }
    }
    await this.save();
  }

  // ---- networks ----

  list(): NetworkRecord[] {
    return [...this.state.networks];
  }

  /** By full ID, exact name, or unique ID prefix (dockerd's order). */
  get(ref: string): NetworkRecord {
    const n = this.state.networks.find((x) => x.id === ref) ?? this.byName(ref);
    if (n) return n;
    const prefixed = ref.length > 0 ? this.state.networks.filter((x) => x.id.startsWith(ref)) : [];
    if (prefixed.length === 1) return prefixed[0]!;
    if (prefixed.length > 1) throw invalidArgument(`network ${ref} is ambiguous (${prefixed.length} matches found based on ID prefix)`);
    throw notFound(`network ${ref} not found`);
  }

  private byName(name: string): NetworkRecord | undefined {
    return this.state.networks.find((x) => x.name === name);
  }

  async create(req: NetworkCreate): Promise<NetworkRecord> {
    if (!req.name) throw invalidArgument("network name must be given");
    if (!NAME_RE.test(req.name)) throw invalidArgument(`invalid network name "${req.name}": it must match [a-zA-Z0-9][a-zA-Z0-9_.-]*`);
    if (["host", "none", "default", "bridge"].includes(req.name) || this.byName(req.name)) {
      throw conflict(`network with name ${req.name} already exists`);
    }
    let subnet: Subnet;
    if (req.subnet) {
      subnet = parseSubnet(req.subnet);
      const hostNets = (await this.links.hostSubnets()).map((s) => parseSubnetLoose(s)).filter((s) => s !== null);
      const clash = this.state.networks.find((n) => n.subnet && overlaps(parseSubnet(n.subnet), subnet));
      if (clash || hostNets.some((h) => overlaps(h, subnet) && !this.isOurs(h))) {
        throw conflict(`Pool overlaps with other one on this address space${clash ? ` (network ${clash.name}, ${clash.subnet})` : ""}`);
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
    const id = randomBytes(32).toString("hex");
    const net: NetworkRecord = {
      id, name: req.name, created: rfc3339(), driver: "bridge", internal: req.internal === true,
      subnet: formatSubnet(subnet), gateway: formatIp(gateway), ipRange: req.ipRange ?? "", labels: req.labels ?? {},
      bridge: this.layout.bridgeName(id), builtin: false,
    };
    await this.ensureBridge(net);
    this.state.networks.push(net);
    try {
      await this.save();
    } catch (err) {
      this.state.networks = this.state.networks.filter((n) => n !== net);
      await this.links.deleteLink(net.bridge);
      throw err;
    }
    return net;
  }

  /** Containers attached to the network (running or not; not those being removed). */
  users(net: NetworkRecord): string[] {
    return Object.entries(this.state.attachments).filter(([id, a]) => net.id in a && this.exists(id)).map(([id]) => id);
  }

  private exists(containerId: string): boolean {
    try {
      this.containers.get(containerId);
      return true;
    } catch {
      return false;
    }
  }

  async remove(ref: string): Promise<void> {
    const net = this.get(ref);
    if (net.builtin) throw conflict(`${net.name} is a pre-defined network and cannot be removed`);
    if (this.users(net).length > 0) {
      throw conflict(`error while removing network: network ${net.name} id ${net.id} has active endpoints`);
    }
    this.state.networks = this.state.networks.filter((n) => n.id !== net.id);
    await this.save();
    await this.links.deleteLink(net.bridge);
  }

  /** Removes the user-defined networks no container uses (and that `keep` does not hold back). */
  async prune(keep: (n: NetworkRecord) => boolean = () => false): Promise<string[]> {
    const gone: string[] = [];
    for (const n of this.list()) {
      if (n.builtin || keep(n) || this.users(n).length > 0) continue;
      await this.remove(n.id);
      gone.push(n.name);
    }
    return gone;
  }

  // ---- attachments ----

  /** The attachments a new container gets from its network mode and NetworkingConfig (validated, not yet stored). */
  attachmentsFor(mode: string, endpoints: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }>):
    Record<string, Attachment> {
    const m = mode === "" || mode === "default" ? "bridge" : mode;
    if (m === "none" || m === "host" || m.startsWith("container:")) return {};
    const net = this.get(m);
    const want = endpoints[m] ?? endpoints[net.name] ?? endpoints[net.id] ?? {};
    return { [net.id]: this.newAttachment(net, want.Aliases ?? [], want.IPAMConfig?.IPv4Address ?? "") };
  }

  private newAttachment(net: NetworkRecord, aliases: string[], wantIp: string): Attachment {
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

  async setAttachments(containerId: string, a: Record<string, Attachment>): Promise<void> {
    this.state.attachments[containerId] = a;
    await this.save();
  }

  attachments(containerId: string): Record<string, Attachment> {
    return this.state.attachments[containerId] ?? {};
  }

  async connect(netRef: string, containerRef: string, opts: { aliases?: string[]; ip?: string }): Promise<void> {
    const net = this.get(netRef);
    const rec = this.containers.get(containerRef);
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    if (mode === "host" || mode === "none" || mode.startsWith("container:") || net.driver !== "bridge") {
      throw invalidArgument(`container sharing network namespace with another container or host cannot be connected to any other network`);
    }
    await this.serial(rec.id, async () => {
      const current = this.state.attachments[rec.id] ?? {};
      if (net.id in current) throw conflict(`endpoint with name ${rec.name} already exists in network ${net.name}`);
      const a = this.newAttachment(net, opts.aliases ?? [], opts.ip ?? "");
      if (a.wantIp && this.takenIps(net).has(parseIp(a.wantIp)!)) throw conflict(`Address already in use: ${a.wantIp}`);
      this.state.attachments[rec.id] = { ...current, [net.id]: a };
      if (rec.state.pid > 0 && rec.state.status !== "exited") {
        try {
          await this.plugIn(rec, net, a, Object.keys(current).length);
        } catch (err) {
          delete this.state.attachments[rec.id]![net.id];
          throw err;
        }
      }
      await this.save();
    });
    await this.refreshHosts();
  }

  async disconnect(netRef: string, containerRef: string): Promise<void> {
    const net = this.get(netRef);
    const rec = this.containers.get(containerRef);
    await this.serial(rec.id, async () => {
      const a = this.state.attachments[rec.id]?.[net.id];
      if (!a) throw invalidArgument(`container ${rec.id} is not connected to network ${net.name}`);
      if (a.hostIf) await this.links.removeEndpoint(a.hostIf);
      delete this.state.attachments[rec.id]![net.id];
      await this.save();
    });
    await this.refreshHosts();
  }

  // ---- endpoints (hooks.ts calls these) ----

  /** At each start: the namespace, its endpoints and published ports, /etc/hosts and /etc/resolv.conf; the spec joins the namespace. */
  async setUp(rec: ContainerRecord, spec: OciSpec): Promise<void> {
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    if (mode === "host") return;
    await this.writeResolvConf(rec);
    if (mode.startsWith("container:")) {
      const other = this.containers.get(mode.slice("container:".length));
      if (!(other.state.pid > 0)) throw conflict(`cannot join network of a non running container: ${other.id}`);
      const path = Object.keys(this.attachments(other.id)).length > 0 ? this.layout.netnsFile(other.id)
        : `/proc/${other.state.pid}/ns/net`;
      setNetns(spec, path);
      const [hosts, resolv] = await Promise.all([readFile(this.layout.hostsFile(other.id), "utf8").catch(() => ""),
        readFile(this.layout.resolvConfFile(other.id), "utf8").catch(() => "")]);
      if (hosts) await writeFile(this.layout.hostsFile(rec.id), hosts);
      if (resolv) await writeFile(this.layout.resolvConfFile(rec.id), resolv);
      return;
    }
    const nets = Object.keys(this.attachments(rec.id));
    const ports = planPorts(rec.hostConfig.PortBindings, rec.config.ExposedPorts, rec.hostConfig.PublishAllPorts === true);
    if (nets.length === 0) {
      await writeFile(this.layout.hostsFile(rec.id), this.hostsFor(rec));
      return;
    }
    await this.serial(rec.id, async () => {
      await this.teardownNow(rec.id);
      const file = this.layout.netnsFile(rec.id);
      try {
        await this.links.createNetns(file);
        let i = 0;
        for (const netId of nets) {
          const net = this.state.networks.find((n) => n.id === netId);
          if (!net) throw notFound(`network ${netId} not found`);
          await this.plugIn(rec, net, this.state.attachments[rec.id]![netId]!, i++);
        }
        const first = Object.values(this.attachments(rec.id))[0]!;
        // a random port bound before keeps its number across restarts of the container and of hakod
        const before = this.state.ports[rec.id] ?? [];
        const wanted = ports.map((p) => ({ ...p, hostPort: p.hostPort || (before.find((b) => b.proto === p.proto
          && b.containerPort === p.containerPort && b.hostIp === p.hostIp)?.hostPort ?? 0) }));
        const proxies = await startProxies(wanted, first.ip).catch(async (err: unknown) => {
          // a remembered random port taken meanwhile: take any other
          if (wanted.every((w, k) => w.hostPort === ports[k]!.hostPort)) throw err;
          return startProxies(ports, first.ip);
        });
        this.proxies.set(rec.id, proxies);
        this.state.ports[rec.id] = proxies.map((p) => p.port);
        await this.save();
      } catch (err) {
        await this.teardownNow(rec.id);
        throw err;
      }
      setNetns(spec, file);
      await writeFile(this.layout.hostsFile(rec.id), this.hostsFor(rec));
    });
    await this.refreshHosts(rec.id);
  }

  /** A re-adopted container after a restart of hakod: its endpoints exist; its proxies come back. */
  async resume(rec: ContainerRecord): Promise<void> {
    const first = Object.values(this.attachments(rec.id)).find((a) => a.ip);
    const ports = this.state.ports[rec.id] ?? [];
    if (!first || ports.length === 0 || this.proxies.has(rec.id)) return;
    try {
      this.proxies.set(rec.id, await startProxies(ports, first.ip));
    } catch (err) {
      this.log.warn("re-publishing ports failed", { id: rec.id, error: String(err) });
    }
  }

  /** At exit (and before each start, and at remove): endpoints, namespace and proxies go; addresses are free again. */
  async teardown(containerId: string): Promise<void> {
    await this.serial(containerId, () => this.teardownNow(containerId));
    await this.refreshHosts();
  }

  /** At remove: the attachments go too. */
  async forget(containerId: string): Promise<void> {
    await this.teardown(containerId);
    delete this.state.attachments[containerId];
    delete this.state.ports[containerId];
    this.chains.delete(containerId);
    await this.save();
  }

  private async teardownNow(containerId: string): Promise<void> {
    for (const p of this.proxies.get(containerId) ?? []) p.close();
    this.proxies.delete(containerId);
    const atts = this.state.attachments[containerId] ?? {};
    let changed = false;
    for (const a of Object.values(atts)) {
      if (a.hostIf) await this.links.removeEndpoint(a.hostIf);
      if (a.ip || a.hostIf) changed = true;
      Object.assign(a, { ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" });
    }
    await this.links.removeNetns(this.layout.netnsFile(containerId));
    if (changed) await this.save();
    await this.dropIdleDefaultBridge();
  }

  /** The default bridge goes when no endpoint is left on it, so an idle engine adds no device to the host. */
  private async dropIdleDefaultBridge(): Promise<void> {
    const net = this.byName("bridge");
    if (!net) return;
    await this.bridgeOp(async () => {
      const inUse = Object.values(this.state.attachments).some((a) => a[net.id]?.hostIf);
      if (!inUse) await this.links.deleteLink(net.bridge);
    });
  }

  private async plugIn(rec: ContainerRecord, net: NetworkRecord, a: Attachment, index: number): Promise<void> {
    const subnet = parseSubnet(net.subnet);
    const taken = this.takenIps(net);
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
    const hasRoute = Object.entries(this.attachments(rec.id)).some(([id, x]) => x !== a && x.ip
      && !this.state.networks.find((n) => n.id === id)?.internal);
    try {
      await this.bridgeOp(async () => {
        await this.ensureBridge(net);
        await this.links.addEndpoint({ netns: this.layout.netnsFile(rec.id), bridge: net.bridge, hostIf, ifName: a.ifName,
          address: a.ip, prefix: subnet.prefix, mac: a.mac, gateway: net.internal || hasRoute ? "" : net.gateway });
      });
    } catch (err) {
      Object.assign(a, { ip: "", mac: "", hostIf: "", ifName: "", endpointId: "" });
      throw err;
    }
  }

  private takenIps(net: NetworkRecord): Set<number> {
    const taken = new Set<number>([parseIp(net.gateway)!]);
    for (const atts of Object.values(this.state.attachments)) {
      const a = atts[net.id];
      if (a?.ip) taken.add(parseIp(a.ip)!);
    }
    return taken;
  }

  // ---- views ----

  /** NetworkSettings of a container, in Docker's shape. */
  settings(rec: ContainerRecord): Record<string, unknown> {
    const networks: Record<string, unknown> = {};
    let primary: Record<string, unknown> | null = null;
    for (const [netId, a] of Object.entries(this.attachments(rec.id))) {
      const net = this.state.networks.find((n) => n.id === netId);
      if (!net) continue;
      const prefix = net.subnet ? Number(net.subnet.split("/")[1]) : 0;
      const ep = {
        IPAMConfig: a.wantIp ? { IPv4Address: a.wantIp } : null, Links: null,
        Aliases: a.ip && !net.builtin ? [...a.aliases, rec.id.slice(0, 12)] : (a.aliases.length ? a.aliases : null),
        NetworkID: net.id, EndpointID: a.endpointId, Gateway: a.ip && !net.internal ? net.gateway : "",
        IPAddress: a.ip, IPPrefixLen: a.ip ? prefix : 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0,
        MacAddress: a.mac, DriverOpts: null,
      };
      networks[net.name] = ep;
      primary ??= ep;
    }
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    if (Object.keys(networks).length === 0 && (mode === "host" || mode === "none")) {
      const net = this.byName(mode)!;
      networks[mode] = { IPAMConfig: null, Links: null, Aliases: null, NetworkID: net.id, EndpointID: "", Gateway: "",
        IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: "",
        DriverOpts: null };
    }
    const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
    for (const key of Object.keys((rec.config.ExposedPorts ?? {}) as object)) ports[key.includes("/") ? key : `${key}/tcp`] = null;
    const running = rec.state.pid > 0;
    for (const p of running ? this.state.ports[rec.id] ?? [] : []) {
      const key = `${p.containerPort}/${p.proto}`;
      (ports[key] ??= []).push({ HostIp: p.hostIp || "0.0.0.0", HostPort: String(p.hostPort) });
    }
    return {
      Bridge: "", SandboxID: running && primary ? rec.id : "", SandboxKey: running && primary ? this.layout.netnsFile(rec.id) : "",
      HairpinMode: false, LinkLocalIPv6Address: "", LinkLocalIPv6PrefixLen: 0,
      Ports: ports,
      Gateway: (primary?.Gateway as string | undefined) ?? "", IPAddress: (primary?.IPAddress as string | undefined) ?? "",
      IPPrefixLen: (primary?.IPPrefixLen as number | undefined) ?? 0, MacAddress: (primary?.MacAddress as string | undefined) ?? "",
      GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, IPv6Gateway: "", SecondaryIPAddresses: null, SecondaryIPv6Addresses: null,
      EndpointID: (primary?.EndpointID as string | undefined) ?? "",
      Networks: networks,
    };
  }

  /** The list's Ports of a running container. */
  summaryPorts(rec: ContainerRecord): Array<Record<string, unknown>> {
    if (!(rec.state.pid > 0)) return [];
    return (this.state.ports[rec.id] ?? []).map((p) => ({ IP: p.hostIp || "0.0.0.0", PrivatePort: p.containerPort,
      PublicPort: p.hostPort, Type: p.proto }));
  }

  // ---- /etc/hosts, /etc/resolv.conf ----

  private hostsFor(rec: ContainerRecord): string {
    const own = Object.values(this.attachments(rec.id)).find((a) => a.ip)?.ip;
    let text = hostsFile(rec.config.Hostname);
    if (own) text = text.replace(`127.0.1.1\t${rec.config.Hostname}\n`, "");
    const lines: string[] = [];
    for (const h of (rec.hostConfig.ExtraHosts as string[] | null) ?? []) {
      const i = h.lastIndexOf(":");
      if (i > 0) lines.push(`${h.slice(i + 1) === "host-gateway" ? this.hostGateway(rec) : h.slice(i + 1)}\t${h.slice(0, i)}`);
    }
    if (own) lines.push(`${own}\t${rec.config.Hostname}`);
    for (const [netId, a] of Object.entries(this.attachments(rec.id))) {
      const net = this.state.networks.find((n) => n.id === netId);
      if (!net || net.builtin || !a.ip) continue;
      for (const [otherId, atts] of Object.entries(this.state.attachments)) {
        const b = atts[netId];
        if (otherId === rec.id || !b?.ip) continue;
        let other: ContainerRecord;
        try {
          other = this.containers.get(otherId);
        } catch {
          continue;
        }
        lines.push(`${b.ip}\t${[other.name, ...b.aliases, otherId.slice(0, 12)].join(" ")}`);
      }
    }
    return text + lines.map((l) => `${l}\n`).join("");
  }

  private hostGateway(rec: ContainerRecord): string {
    const netId = Object.keys(this.attachments(rec.id))[0];
    return this.state.networks.find((n) => n.id === netId)?.gateway || this.byName("bridge")!.gateway;
  }

  private async writeResolvConf(rec: ContainerRecord): Promise<void> {
    const h = rec.hostConfig;
    const dns = (h.Dns as string[] | null) ?? [];
    const search = (h.DnsSearch as string[] | null) ?? [];
    const opts = (h.DnsOptions as string[] | null) ?? [];
    if (dns.length === 0 && search.length === 0 && opts.length === 0) return;
    const base = resolvConf(this.host.resolvConf).split("\n").filter((l) => l.trim() !== "");
    const keep = base.filter((l) => !(dns.length > 0 && /^\s*nameserver\s/.test(l))
      && !(search.length > 0 && /^\s*(search|domain)\s/.test(l)) && !(opts.length > 0 && /^\s*options\s/.test(l)));
    const out = [...keep, ...dns.map((d) => `nameserver ${d}`)];
    if (search.length > 0) out.push(`search ${search.join(" ")}`);
    if (opts.length > 0) out.push(`options ${opts.join(" ")}`);
    await writeFile(this.layout.resolvConfFile(rec.id), `${out.join("\n")}\n`);
  }

  /** Rewrites the hosts files of running containers on user networks (except `skip`, just written). */
  async refreshHosts(skip?: string): Promise<void> {
    for (const [id, atts] of Object.entries(this.state.attachments)) {
      if (id === skip || !Object.values(atts).some((a) => a.ip)) continue;
      let rec: ContainerRecord;
      try {
        rec = this.containers.get(id);
      } catch {
        continue;
      }
      await writeFile(this.layout.hostsFile(id), this.hostsFor(rec)).catch(() => undefined);
    }
  }

  // ---- helpers ----

  private async ensureBridge(n: NetworkRecord): Promise<void> {
    const s = parseSubnet(n.subnet);
    await this.links.ensureBridge(n.bridge, n.internal ? "" : n.gateway, s.prefix);
  }

  private isOurs(s: Subnet): boolean {
    return this.state.networks.some((n) => n.subnet && overlaps(parseSubnet(n.subnet), s));
  }

  private async freeSubnet(): Promise<Subnet> {
    const used = [...(await this.links.hostSubnets()).map(parseSubnetLoose).filter((s) => s !== null),
      ...this.state.networks.filter((n) => n.subnet).map((n) => parseSubnet(n.subnet))];
    for (const c of candidateSubnets(this.layout.instance)) if (!used.some((u) => overlaps(u, c))) return c;
    throw conflict("could not find an available, non-overlapping IPv4 address pool among the defaults to assign to the network");
  }

  /** Bridge devices are made and removed one operation at a time, so the idle default bridge never goes under a new endpoint. */
  private bridgeOp<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.bridgeChain.catch(() => undefined).then(fn);
    this.bridgeChain = next.catch(() => undefined);
    return next;
  }

  private serial<T>(containerId: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.chains.get(containerId) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(fn);
    this.chains.set(containerId, next.catch(() => undefined));
    return next;
  }

  private save(): Promise<void> {
    const next = this.saving.catch(() => undefined).then(() =>
      writeJsonAtomic(this.layout.networkStateFile(), this.state, this.layout.tmpDir()));
    this.saving = next;
    return next;
  }
}

function setNetns(spec: OciSpec, path: string): void {
  spec.linux.namespaces = [...spec.linux.namespaces.filter((n) => n.type !== "network"), { type: "network", path }];
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
