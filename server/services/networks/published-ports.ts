/**
 * Published ports, as the run form writes them and as the engine wants them.
 *
 * Words: a *port row* is one `-p [hostIp:][hostPort:]containerPort[/proto]` as separate fields; a port is 1–65535, a
 * range "8000-8009" publishes each port of it (host and container ranges the same length). An empty host port asks
 * the engine for a free one. "Publish all exposed" is `-P`: every port the image EXPOSEs, on a free host port.
 */
import { z } from "zod";
import { ipv4ToNumber } from "./network-input";

export const protocols = ["tcp", "udp"] as const;

export const portRowSchema = z.object({
  hostIp: z.string().trim().max(39).default(""),
  hostPort: z.string().trim().max(11).default(""),
  containerPort: z.string().trim().max(11).default(""),
  proto: z.enum(protocols).default("tcp"),
});

export type PortRow = z.output<typeof portRowSchema>;

/** "80" or "8000-8009" as its first and last port, or null when it is not a port or a range of ports. */
export function portRange(text: string): { first: number; last: number } | null {
  const m = /^(\d{1,5})(?:-(\d{1,5}))?$/.exec(text);
  if (!m) return null;
  const first = Number(m[1]);
  const last = m[2] === undefined ? first : Number(m[2]);
  if (first < 1 || last > 65535 || last < first) return null;
  return { first, last };
}

/** What is wrong with one row, in words for the form (`row` counts from 1), or null. */
export function portRowProblem(row: PortRow, index: number): string | null {
  const at = `Port ${index + 1}`;
  if (!row.containerPort) return `${at}: give the container port (1–65535).`;
  const container = portRange(row.containerPort);
  if (!container) return `${at}: "${row.containerPort}" is not a container port: write a number from 1 to 65535, or a range such as 8000-8009.`;
  if (row.hostPort) {
    const host = portRange(row.hostPort);
    if (!host) return `${at}: "${row.hostPort}" is not a host port: write a number from 1 to 65535, a range, or leave it empty for a free one.`;
    if (host.last - host.first !== container.last - container.first) return `${at}: the host and container ranges must have the same length.`;
  }
  if (row.hostIp && row.hostIp !== "::" && ipv4ToNumber(row.hostIp) === null) {
    return `${at}: "${row.hostIp}" is not an address to listen on: write an IPv4 address such as 127.0.0.1, or leave it empty for all.`;
  }
  return null;
}

export interface PortRequest {
  ExposedPorts: Record<string, Record<string, never>>;
  PortBindings: Record<string, { HostIp: string; HostPort: string }[]>;
}

/** Port rows (already checked) as the create body's ExposedPorts and HostConfig.PortBindings. */
export function portRequest(rows: PortRow[]): PortRequest {
  const request: PortRequest = { ExposedPorts: {}, PortBindings: {} };
  for (const row of rows) {
    const container = portRange(row.containerPort);
    if (!container) continue;
    const host = row.hostPort ? portRange(row.hostPort) : null;
    for (let i = 0; i <= container.last - container.first; i++) {
      const key = `${container.first + i}/${row.proto}`;
      request.ExposedPorts[key] = {};
      (request.PortBindings[key] ??= []).push({ HostIp: row.hostIp, HostPort: host ? String(host.first + i) : "" });
    }
  }
  return request;
}

/** A published port as the console shows it: `host:port→container/proto`, and where a browser reaches it. */
export interface PublishedPort {
  /** the address the engine listens on ("0.0.0.0" for all) */
  hostIp: string;
  hostPort: number;
  containerPort: number;
  proto: string;
}

/** Docker's NetworkSettings.Ports (`{"80/tcp": [{HostIp, HostPort}] | null}`) as published ports; exposed-only ones left out. */
export function publishedPortsOf(ports: Record<string, { HostIp?: string; HostPort?: string }[] | null | undefined> | null | undefined): PublishedPort[] {
  return Object.entries(ports ?? {}).flatMap(([key, bindings]) => {
    const [port = "", proto = "tcp"] = key.split("/");
    return (bindings ?? []).map((b) => ({ hostIp: b.HostIp || "0.0.0.0", hostPort: Number(b.HostPort), containerPort: Number(port), proto }));
  });
}

/**
 * The URL of a published TCP port for a browser: the console's own host name (`consoleHost`) when the port listens on
 * every address, else the address it listens on. UDP ports have none.
 */
export function publishedPortUrl(port: PublishedPort, consoleHost: string): string | null {
  if (port.proto !== "tcp" || !port.hostPort) return null;
  const everywhere = port.hostIp === "0.0.0.0" || port.hostIp === "::" || port.hostIp === "";
  const host = everywhere ? consoleHost : port.hostIp;
  return `http://${host.includes(":") && !host.startsWith("[") ? `[${host}]` : host}:${port.hostPort}`;
}

/** `0.0.0.0:8080→80/tcp`, as `docker ps` shows it. */
export function publishedPortText(port: PublishedPort): string {
  const ip = port.hostIp.includes(":") ? `[${port.hostIp}]` : port.hostIp;
  return `${ip}:${port.hostPort}→${port.containerPort}/${port.proto}`;
}
