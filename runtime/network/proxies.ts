/**
 * The port proxies of running containers (ports.ts makes them): started at each start of a container with an
 * endpoint, closed at each exit, and started again for a container re-adopted after a restart of hakod, whose
 * endpoints survived but whose proxies lived in the old process.
 *
 * The ports as last bound are kept in the store, so a random host port keeps its number across restarts of the
 * container and of hakod, as long as nothing else took it meanwhile.
 */
import type { Logger } from "../engine.js";
import type { ContainerRecord } from "../containers/container.js";
import { startProxies, type PortProxy, type PublishedPort } from "./ports.js";
import type { NetworkStore } from "./store.js";

export class PortProxies {
  private readonly proxies = new Map<string, PortProxy[]>();

  constructor(private readonly store: NetworkStore, private readonly log: Logger) {}

  /** Binds the container's planned ports, forwarding to `ip`, and keeps them as bound (the caller saves the store). */
  async publish(containerId: string, ports: PublishedPort[], ip: string): Promise<void> {
    const before = this.store.state.ports[containerId] ?? [];
    const wanted = ports.map((p) => ({ ...p, hostPort: p.hostPort || (before.find((b) => b.proto === p.proto
      && b.containerPort === p.containerPort && b.hostIp === p.hostIp)?.hostPort ?? 0) }));
    const proxies = await startProxies(wanted, ip).catch(async (err: unknown) => {
      // a remembered random port taken meanwhile: take any other
      if (wanted.every((w, k) => w.hostPort === ports[k]!.hostPort)) throw err;
      return startProxies(ports, ip);
    });
    this.proxies.set(containerId, proxies);
    if (proxies.length > 0 || before.length > 0) this.store.state.ports[containerId] = proxies.map((p) => p.port);
  }

  /** A re-adopted container: the ports it had, on its first address (its endpoints exist). */
  async resume(rec: ContainerRecord): Promise<void> {
    const first = Object.values(this.store.attachments(rec.id)).find((a) => a.ip);
    const ports = this.store.state.ports[rec.id] ?? [];
    if (!first || ports.length === 0 || this.proxies.has(rec.id)) return;
    try {
      this.proxies.set(rec.id, await startProxies(ports, first.ip));
    } catch (err) {
      this.log.warn("re-publishing ports failed", { id: rec.id, error: String(err) });
    }
  }

  close(containerId: string): void {
    for (const p of this.proxies.get(containerId) ?? []) p.close();
    this.proxies.delete(containerId);
  }
}
