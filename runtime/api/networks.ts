/** /networks: create, list, inspect, remove, prune, connect, disconnect. Thin: the network manager does the work. */
import { invalidArgument } from "../errors.js";
import type { NetworkRecord } from "../network/network.js";
import { assertFilters, parseFilters, readJson, sendJson, sendStatus, type Ctx } from "./http.js";

function networkJson(ctx: Ctx, n: NetworkRecord, withContainers: boolean) {
  const containers: Record<string, unknown> = {};
  if (withContainers) {
    for (const rec of ctx.engine.containers.list()) {
      const a = ctx.engine.networks.attachments(rec.id)[n.id];
      if (!a?.ip) continue;
      containers[rec.id] = { Name: rec.name, EndpointID: a.endpointId, MacAddress: a.mac,
        IPv4Address: `${a.ip}/${n.subnet.split("/")[1]}`, IPv6Address: "" };
    }
  }
  const config = n.subnet ? [{ Subnet: n.subnet, Gateway: n.gateway, ...(n.ipRange ? { IPRange: n.ipRange } : {}) }] : [];
  return {
    Name: n.name, Id: n.id, Created: n.created, Scope: "local", Driver: n.driver, EnableIPv6: false,
    IPAM: { Driver: "default", Options: null, Config: config },
    Internal: n.internal, Attachable: false, Ingress: false, ConfigFrom: { Network: "" }, ConfigOnly: false,
    Containers: containers,
    Options: n.bridge ? { "com.docker.network.bridge.name": n.bridge } : {},
    Labels: n.labels,
  };
}

function str(v: unknown, field: string): string {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidArgument(`${field} must be a string`);
  return v;
}

export async function createNetwork(ctx: Ctx): Promise<void> {
  const body = (await readJson<Record<string, unknown>>(ctx.req)) ?? {};
  if (typeof body !== "object" || Array.isArray(body)) throw invalidArgument("invalid JSON: want an object");
  const driver = str(body.Driver, "Driver") || "bridge";
  if (driver !== "bridge") throw invalidArgument(`plugin "${driver}" not found: only the bridge driver is supported`);
  if (body.EnableIPv6 === true) throw invalidArgument("IPv6 networks are not supported");
  const ipam = (body.IPAM ?? {}) as { Config?: Array<Record<string, unknown>> | null };
  const configs = ipam.Config ?? [];
  if (!Array.isArray(configs)) throw invalidArgument("IPAM.Config must be a list");
  if (configs.length > 1) throw invalidArgument("only one IPAM config (one IPv4 subnet) per network is supported");
  const c = configs[0] ?? {};
  const labels = (body.Labels ?? {}) as Record<string, string>;
  if (typeof labels !== "object" || Array.isArray(labels) || !Object.values(labels).every((v) => typeof v === "string")) {
    throw invalidArgument("Labels must be a map of strings");
  }
  const n = await ctx.engine.networks.create({
    name: str(body.Name, "Name"), internal: body.Internal === true, subnet: str(c.Subnet, "IPAM.Config.Subnet"),
    gateway: str(c.Gateway, "IPAM.Config.Gateway"), ipRange: str(c.IPRange, "IPAM.Config.IPRange"), labels,
  });
  ctx.engine.events.publish({ type: "network", action: "create", actor: { id: n.id, attributes: { name: n.name, type: n.driver } } });
  sendJson(ctx.res, 201, { Id: n.id, Warning: "" });
}

function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf("=");
  const k = eq < 0 ? filter : filter.slice(0, eq);
  return k in labels && (eq < 0 || labels[k] === filter.slice(eq + 1));
}

function filtered(ctx: Ctx, allowed: string[]): NetworkRecord[] {
  const f = parseFilters(ctx.query);
  assertFilters(f, allowed);
  let list = ctx.engine.networks.list();
  const keep = (key: string, test: (n: NetworkRecord, v: string) => boolean): void => {
    const vs = f.get(key);
    if (vs && vs.length > 0) list = list.filter((n) => vs.some((v) => test(n, v)));
  };
  keep("name", (n, v) => n.name.includes(v));
  keep("id", (n, v) => n.id.startsWith(v));
  keep("driver", (n, v) => n.driver === v);
  keep("label", (n, v) => labelMatches(n.labels, v));
  keep("type", (n, v) => (v === "builtin" ? n.builtin : v === "custom" ? !n.builtin : false));
  keep("dangling", (n, v) => (v === "true" || v === "1") === (!n.builtin && ctx.engine.networks.users(n).length === 0));
  return list;
}

export function listNetworks(ctx: Ctx): void {
  const list = filtered(ctx, ["name", "id", "driver", "label", "type", "dangling", "scope"]);
  sendJson(ctx.res, 200, list.map((n) => networkJson(ctx, n, false)));
}

export function inspectNetwork(ctx: Ctx): void {
  sendJson(ctx.res, 200, networkJson(ctx, ctx.engine.networks.get(ctx.params[0] ?? ""), true));
}

export async function removeNetwork(ctx: Ctx): Promise<void> {
  const n = ctx.engine.networks.get(ctx.params[0] ?? "");
  await ctx.engine.networks.remove(n.id);
  ctx.engine.events.publish({ type: "network", action: "destroy", actor: { id: n.id, attributes: { name: n.name, type: n.driver } } });
  sendStatus(ctx.res, 204);
}

export async function pruneNetworks(ctx: Ctx): Promise<void> {
  const f = parseFilters(ctx.query);
  assertFilters(f, ["label", "until"]);
  const labels = f.get("label") ?? [];
  const until = f.get("until")?.[0];
  const untilMs = until ? (/^\d+$/.test(until) ? Number(until) * 1000 : Date.parse(until)) : NaN;
  const gone = await ctx.engine.networks.prune((n) => !labels.every((l) => labelMatches(n.labels, l))
    || (!Number.isNaN(untilMs) && Date.parse(n.created) >= untilMs));
  sendJson(ctx.res, 200, { NetworksDeleted: gone });
}

export async function connectNetwork(ctx: Ctx): Promise<void> {
  const body = (await readJson<Record<string, unknown>>(ctx.req)) ?? {};
  const ep = (body.EndpointConfig ?? {}) as { Aliases?: string[] | null; IPAMConfig?: { IPv4Address?: string } | null };
  const container = str(body.Container, "Container");
  if (!container) throw invalidArgument("Container must be given");
  const n = ctx.engine.networks.get(ctx.params[0] ?? "");
  await ctx.engine.networks.connect(n.id, container, { aliases: ep.Aliases ?? [], ip: ep.IPAMConfig?.IPv4Address ?? "" });
  ctx.engine.events.publish({ type: "network", action: "connect",
    actor: { id: n.id, attributes: { name: n.name, type: n.driver, container: ctx.engine.containers.get(container).id } } });
  sendStatus(ctx.res, 200);
}

export async function disconnectNetwork(ctx: Ctx): Promise<void> {
  const body = (await readJson<Record<string, unknown>>(ctx.req)) ?? {};
  const container = str(body.Container, "Container");
  if (!container) throw invalidArgument("Container must be given");
  const n = ctx.engine.networks.get(ctx.params[0] ?? "");
  await ctx.engine.networks.disconnect(n.id, container);
  ctx.engine.events.publish({ type: "network", action: "disconnect",
    actor: { id: n.id, attributes: { name: n.name, type: n.driver, container: ctx.engine.containers.get(container).id } } });
  sendStatus(ctx.res, 200);
}
