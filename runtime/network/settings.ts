/**
 * What the API shows of a container's networking, in Docker's shapes: NetworkSettings for inspect (its networks, each
 * endpoint, the published ports) and the Ports of the container list. Published ports show only while the container
 * runs, as dockerd's do.
 */
import type { Layout } from "../layout.js";
import type { ContainerRecord } from "../containers/container.js";
import type { NetworkStore } from "./store.js";

/** NetworkSettings of a container, in Docker's shape. */
export function networkSettings(store: NetworkStore, layout: Layout, rec: ContainerRecord): Record<string, unknown> {
  const networks: Record<string, unknown> = {};
  let primary: Record<string, unknown> | null = null;
  for (const [netId, a] of Object.entries(store.attachments(rec.id))) {
    const net = store.byId(netId);
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
    const net = store.byName(mode)!;
    networks[mode] = { IPAMConfig: null, Links: null, Aliases: null, NetworkID: net.id, EndpointID: "", Gateway: "",
      IPAddress: "", IPPrefixLen: 0, IPv6Gateway: "", GlobalIPv6Address: "", GlobalIPv6PrefixLen: 0, MacAddress: "",
      DriverOpts: null };
  }
  const ports: Record<string, Array<{ HostIp: string; HostPort: string }> | null> = {};
  for (const key of Object.keys((rec.config.ExposedPorts ?? {}) as object)) ports[key.includes("/") ? key : `${key}/tcp`] = null;
  const running = rec.state.pid > 0;
  for (const p of running ? store.state.ports[rec.id] ?? [] : []) {
    const key = `${p.containerPort}/${p.proto}`;
    (ports[key] ??= []).push({ HostIp: p.hostIp || "0.0.0.0", HostPort: String(p.hostPort) });
  }
  return {
    Bridge: "", SandboxID: running && primary ? rec.id : "", SandboxKey: running && primary ? layout.netnsFile(rec.id) : "",
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
export function summaryPorts(store: NetworkStore, rec: ContainerRecord): Array<Record<string, unknown>> {
  if (!(rec.state.pid > 0)) return [];
  return (store.state.ports[rec.id] ?? []).map((p) => ({ IP: p.hostIp || "0.0.0.0", PrivatePort: p.containerPort,
    PublicPort: p.hostPort, Type: p.proto }));
}
