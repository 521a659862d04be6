/**
 * Wires the network manager into the container lifecycle (containers/manager-state.ts): attachments at create, the
 * namespace, endpoints and published ports at each start (before the task is created, so a port in use fails the
 * start with nothing half-wired), their removal at exit and at remove, proxies back after a restart of hakod, and
 * hosts files rewritten on a rename.
 */
import type { ContainerManager } from "../containers/manager.js";
import type { EventBus } from "../events/bus.js";
import type { Logger } from "../engine.js";
import { invalidArgument, isKind } from "../errors.js";
import type { NetworkManager } from "./manager.js";
import { planPorts } from "./ports.js";

type EndpointsConfig = Record<string, { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null }>;

export function installNetworkHooks(o: { containers: ContainerManager; networks: NetworkManager; log: Logger; events?: EventBus }):
  void {
  const { containers, networks, log } = o;
  networks.containers = containers;
  containers.onCreate(async (rec) => {
    const mode = String(rec.hostConfig.NetworkMode ?? "");
    planPorts(rec.hostConfig.PortBindings, rec.config.ExposedPorts, rec.hostConfig.PublishAllPorts === true);
    const endpoints = ((rec.networkingConfig as { EndpointsConfig?: EndpointsConfig } | undefined)?.EndpointsConfig) ?? {};
    let atts;
    try {
      if (mode.startsWith("container:")) {
        const other = containers.get(mode.slice("container:".length));
        if (other.id === rec.id) throw invalidArgument("cannot join own network namespace");
      }
      atts = networks.attachmentsFor(mode, endpoints);
    } catch (err) {
      // 400 rather than dockerd's 404: the CLI takes a 404 from create for a missing image and would pull
      if (isKind(err, "NotFound")) throw invalidArgument((err as Error).message);
      throw err;
    }
    delete rec.networkingConfig;
    await networks.setAttachments(rec.id, atts);
    return () => networks.forget(rec.id);
  });
  containers.onSpec((rec, spec) => networks.setUp(rec, spec));
  containers.onTaskStart((rec, resumed) => {
    if (resumed) void networks.resume(rec);
  });
  containers.onTaskExit((rec) => {
    void networks.teardown(rec.id).catch((err: unknown) =>
      log.warn("taking down a container's network failed", { id: rec.id, error: String(err) }));
  });
  containers.onRemove((rec) => networks.forget(rec.id));
  o.events?.subscribe((e) => {
    if (e.type === "container" && e.action === "rename") void networks.refreshHosts().catch(() => undefined);
  });
}
