/**
 * The network store: the one state of networking ({@link NetworkState}: networks, containers' attachments, published
 * ports), kept in network/state.json and rewritten atomically after each change. Writes are queued one after another,
 * so a slow write can never land after a newer one and leave stale state on disk.
 */
import { readFile } from "node:fs/promises";
import type { Layout } from "../layout.js";
import { writeJsonAtomic } from "../store/atomic-file.js";
import type { ContainerRecord } from "../containers/container.js";
import { parseIp } from "./ipam.js";
import type { Attachment, NetworkRecord, NetworkState } from "./network.js";

/** What the network manager needs to know of containers. */
export interface ContainerLookup {
  get(ref: string): ContainerRecord;
  list(): ContainerRecord[];
}

export class NetworkStore {
  state: NetworkState = { networks: [], attachments: {}, ports: {} };
  private saving: Promise<void> = Promise.resolve();

  constructor(private readonly layout: Layout) {}

  /** Reads state.json over the empty state; a missing or unreadable file is a first start. */
  async load(): Promise<void> {
    try {
      this.state = { ...this.state, ...JSON.parse(await readFile(this.layout.networkStateFile(), "utf8")) as NetworkState };
    } catch {
      // first start
    }
  }

  save(): Promise<void> {
    const next = this.saving.catch(() => undefined).then(() =>
      writeJsonAtomic(this.layout.networkStateFile(), this.state, this.layout.tmpDir()));
    this.saving = next;
    return next;
  }

  byName(name: string): NetworkRecord | undefined {
    return this.state.networks.find((x) => x.name === name);
  }

  byId(id: string): NetworkRecord | undefined {
    return this.state.networks.find((n) => n.id === id);
  }

  attachments(containerId: string): Record<string, Attachment> {
    return this.state.attachments[containerId] ?? {};
  }

  /** The addresses of a network in use: its gateway and those of its current endpoints. */
  takenIps(net: NetworkRecord): Set<number> {
    const taken = new Set<number>([parseIp(net.gateway)!]);
    for (const atts of Object.values(this.state.attachments)) {
      const a = atts[net.id];
      if (a?.ip) taken.add(parseIp(a.ip)!);
    }
    return taken;
  }
}
