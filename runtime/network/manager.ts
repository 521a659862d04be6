/**
 * The network manager: the one face of networking to the rest of the engine. It holds networks (create, list,
 * remove, prune: records.ts), containers' attachments (connect, disconnect) and their endpoints, which it makes at
 * each start of a container and takes down at each exit (endpoints.ts, proxies.ts; hooks.ts wires it into the
 * container lifecycle), and keeps the containers' hosts files current (hosts.ts). State is one file
 * (network/state.json, store.ts), rewritten atomically after each change.
 */
import { mkdir, readFile, writeFile } from "node:fs/promises";
import type { Logger } from "../engine.js";
import { conflict, invalidArgument, notFound } from "../errors.js";
import type { Layout } from "../layout.js";
import type { ContainerRecord } from "../containers/container.js";
import type { OciSpec } from "../oci/spec.js";
import { Endpoints, newAttachment, setNetns } from "./endpoints.js";
import { HostsFiles } from "./hosts.js";
import { parseIp } from "./ipam.js";
import { HostLinks } from "./links.js";
import type { Attachment, NetworkRecord } from "./network.js";
import { planPorts } from "./ports.js";
import { PortProxies } from "./proxies.js";
import { NetworkRecords, type NetworkCreate } from "./records.js";
import { networkSettings, summaryPorts } from "./settings.js";
import { NetworkStore, type ContainerLookup } from "./store.js";

export type { NetworkCreate } from "./records.js";
export type { ContainerLookup } from "./store.js";

export class NetworkManager {
  private readonly store: NetworkStore;
  private readonly records: NetworkRecords;
  private readonly hosts: HostsFiles;
  private readonly proxies: PortProxies;
  private readonly endpoints: Endpoints;
  containers!: ContainerLookup;
  /** Containers whose network start began since hakod started: their endpoints are fresh, not left from before. */
  private readonly startedSinceBoot = new Set<string>();

  constructor(private readonly layout: Layout, log: Logger, host: { resolvConf: string }, readonly links = new HostLinks()) {
    // the container manager is made after this one (hooks.ts sets `containers`), so the parts look it up when needed
    const containers = (): ContainerLookup => this.containers;
    this.store = new NetworkStore(layout);
    this.records = new NetworkRecords(this.store, layout, links);
    this.hosts = new HostsFiles(this.store, layout, host, containers);
    this.proxies = new PortProxies(this.store, log);
    this.endpoints = new Endpoints(this.store, layout, links, this.proxies);
  }

  // ---- start-up ----

  /** Loads the state and makes sure the built-in networks and the default bridge exist. */
  async init(): Promise<void> {
    await mkdir(this.layout.networkDir(), { recursive: true, mode: 0o700 });
    await mkdir(this.layout.netnsDir(), { recursive: true, mode: 0o700 });
    await this.store.load();
    await this.records.ensureBuiltins();
    await this.store.save();
  }

  /** After the containers are known: endpoints of containers that no longer run are taken down, those of gone ones dropped. */
  async reconcile(): Promise<void> {
    const known = new Map(this.containers.list().map((c) => [c.id, c]));
    const state = this.store.state;
    for (const id of Object.keys(state.attachments)) {
      const rec = known.get(id);
      if (!rec) {
        await this.teardown(id);
        delete state.attachments[id];
        delete state.ports[id];
      } else if (!rec.state.pid) {
        await this.teardownStale(id);
      }
    }
    await this.store.save();
  }

  /**
   * Takes down what a stopped container left behind while hakod was down, unless a start got there first: a restart
   * policy may start it at daemon start, and that start's fresh endpoints (new endpoint IDs) must not be torn down.
   */
  private async teardownStale(containerId: string): Promise<void> {
    await this.endpoints.serial(containerId, async () => {
      // a start takes the stale endpoints down itself before making new ones (see start)
      if (this.startedSinceBoot.has(containerId)) return;
      await this.endpoints.teardownNow(containerId);
    });
  }

  // ---- networks ----

  list(): NetworkRecord[] {
    return this.records.list();
  }

  /** By full ID, exact name, or unique ID prefix (dockerd's order). */
  get(ref: string): NetworkRecord {
    return this.records.get(ref);
  }

  create(req: NetworkCreate): Promise<NetworkRecord> {
    return this.records.create(req);
  }

  /** Containers with an endpoint on the network (running ones): what keeps it from being removed, as in Docker. */
  users(net: NetworkRecord): string[] {
    return this.records.users(net);
  }

  async remove(ref: string): Promise<void> {
    await this.settle(this.get(ref));
    return this.records.remove(ref);
  }

  /** Removes the user-defined networks without endpoints (and that `keep` does not hold back). */
  async prune(keep: (n: NetworkRecord) => boolean = () => false): Promise<string[]> {
    for (const n of this.list()) await this.settle(n);
    return this.records.prune(keep);
  }

  /** Waits for the network operations queued for its containers, so an endpoint still being taken down after an exit does not count. */
  private async settle(net: NetworkRecord): Promise<void> {
    await Promise.all(this.users(net).map((id) => this.endpoints.serial(id, async () => undefined)));
  }

  // ---- attachments ----

  /** The attachments a new container gets from its network mode and NetworkingConfig (validated, not yet stored). */
  attachmentsFor(mode: string, endpoints: Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }>):
    Record<string, Attachment> {
    const m = mode === "" || mode === "default" ? "bridge" : mode;
    if (m === "none" || m === "host" || m.startsWith("container:")) return {};
    const net = this.get(m);
    const want = endpoints[m] ?? endpoints[net.name] ?? endpoints[net.id] ?? {};
    return { [net.id]: newAttachment(net, want.Aliases ?? [], want.IPAMConfig?.IPv4Address ?? "") };
  }

  async setAttachments(containerId: string, a: Record<string, Attachment>): Promise<void> {
    this.store.state.attachments[containerId] = a;
    await this.store.save();
  }

  attachments(containerId: string): Record<string, Attachment> {
    return this.store.attachments(containerId);
  }

  async connect(netRef: string, containerRef: string, opts: { aliases?: string[]; ip?: string }): Promise<void> {
    const net = this.get(netRef);
    const rec = this.containers.get(containerRef);
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    if (mode === "host" || mode === "none" || mode.startsWith("container:") || net.driver !== "bridge") {
      throw invalidArgument(`container sharing network namespace with another container or host cannot be connected to any other network`);
    }
    const state = this.store.state;
    await this.endpoints.serial(rec.id, async () => {
      const current = state.attachments[rec.id] ?? {};
      if (net.id in current) throw conflict(`endpoint with name ${rec.name} already exists in network ${net.name}`);
      const a = newAttachment(net, opts.aliases ?? [], opts.ip ?? "");
      if (a.wantIp && this.store.takenIps(net).has(parseIp(a.wantIp)!)) throw conflict(`Address already in use: ${a.wantIp}`);
      state.attachments[rec.id] = { ...current, [net.id]: a };
      if (rec.state.pid > 0 && rec.state.status !== "exited") {
        try {
          await this.endpoints.plugIn(rec, net, a, Object.keys(current).length);
        } catch (err) {
          delete state.attachments[rec.id]![net.id];
          throw err;
        }
      }
      await this.store.save();
    });
    await this.refreshHosts();
  }

  async disconnect(netRef: string, containerRef: string): Promise<void> {
    const net = this.get(netRef);
    const rec = this.containers.get(containerRef);
    const state = this.store.state;
    await this.endpoints.serial(rec.id, async () => {
      const a = state.attachments[rec.id]?.[net.id];
      if (!a) throw invalidArgument(`container ${rec.id} is not connected to network ${net.name}`);
      if (a.hostIf) await this.links.removeEndpoint(a.hostIf);
      delete state.attachments[rec.id]![net.id];
      await this.store.save();
    });
    await this.refreshHosts();
  }

  // ---- endpoints (hooks.ts calls these) ----

  /** At each start: the namespace, its endpoints and published ports, /etc/hosts and /etc/resolv.conf; the spec joins the namespace. */
  async setUp(rec: ContainerRecord, spec: OciSpec): Promise<void> {
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    if (mode === "host") return;
    await this.hosts.writeResolvConf(rec);
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
      await this.hosts.write(rec);
      return;
    }
    this.startedSinceBoot.add(rec.id);
    await this.endpoints.serial(rec.id, async () => {
      await this.endpoints.teardownNow(rec.id);
      const atts = nets.map((netId): [NetworkRecord, Attachment] => {
        const net = this.store.byId(netId);
        if (!net) throw notFound(`network ${netId} not found`);
        return [net, this.store.state.attachments[rec.id]![netId]!];
      });
      try {
        await this.endpoints.plugInAll(rec, atts);
        await this.proxies.publish(rec.id, ports, atts[0]![1].ip);
        // the addresses (and ports) must survive a restart of hakod while the container runs
        await this.store.save();
      } catch (err) {
        await this.endpoints.teardownNow(rec.id);
        throw err;
      }
      setNetns(spec, this.layout.netnsFile(rec.id));
      await this.hosts.write(rec);
    });
    if (this.onUserNetwork(rec.id)) await this.refreshHosts(rec.id);
  }

  /** Whether the container is attached to a user-defined network, whose members' hosts files list each other. */
  private onUserNetwork(containerId: string): boolean {
    return Object.keys(this.attachments(containerId)).some((id) => this.store.byId(id)?.builtin === false);
  }

  /** A re-adopted container after a restart of hakod: its endpoints exist; its proxies come back. */
  resume(rec: ContainerRecord): Promise<void> {
    return this.proxies.resume(rec);
  }

  /** At exit (and before each start, and at remove): endpoints, namespace and proxies go; addresses are free again. */
  async teardown(containerId: string): Promise<void> {
    await this.endpoints.serial(containerId, () => this.endpoints.teardownNow(containerId));
    if (this.onUserNetwork(containerId)) await this.refreshHosts();
  }

  /** At remove: the attachments go too. */
  async forget(containerId: string): Promise<void> {
    await this.teardown(containerId);
    delete this.store.state.attachments[containerId];
    delete this.store.state.ports[containerId];
    this.endpoints.forgetQueue(containerId);
    await this.store.save();
  }

  // ---- views ----

  /** NetworkSettings of a container, in Docker's shape. */
  settings(rec: ContainerRecord): Record<string, unknown> {
    return networkSettings(this.store, this.layout, rec);
  }

  /** The list's Ports of a running container. */
  summaryPorts(rec: ContainerRecord): Array<Record<string, unknown>> {
    return summaryPorts(this.store, rec);
  }

  /** Rewrites the hosts files of running containers on user networks (except `skip`, just written). */
  refreshHosts(skip?: string): Promise<void> {
    return this.hosts.refresh(skip);
  }
}
