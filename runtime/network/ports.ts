/**
 * Published ports: the port bindings of a container (HostConfig.PortBindings, `-P` over ExposedPorts) settled into
 * concrete listeners, and the userland proxy that forwards each one to the container's address (no firewall rules:
 * Node `net`/`dgram` servers on the host; bulk TCP transfers move to a kernel relay, port-relay.ts). A binding with
 * host port "" or "0" gets a port from the kernel.
 *
 * Words: a *port key* is Docker's "<port>/<proto>" (proto tcp or udp); a *binding* is {HostIp, HostPort}.
 */
import { createSocket, type Socket as UdpSocket } from "node:dgram";
import { connect, createServer, type Server, type Socket } from "node:net";
import type { ChildProcess } from "node:child_process";
import { conflict, invalidArgument } from "../errors.js";
import { handOff, RELAY_AFTER, relayBinary } from "./port-relay.js";

export interface PortBinding {
  HostIp: string;
  HostPort: string;
}

export interface PublishedPort {
  proto: "tcp" | "udp";
  containerPort: number;
  hostIp: string;
  /** 0 until the listener is bound (random port) */
  hostPort: number;
}

export function parsePortKey(key: string): { port: number; proto: "tcp" | "udp" } {
  const m = /^(\d+)(?:\/(tcp|udp|sctp))?$/.exec(key);
  const port = m ? Number(m[1]) : NaN;
  if (!m || port < 1 || port > 65535) throw invalidArgument(`invalid port specification: "${key}"`);
  if (m[2] === "sctp") throw invalidArgument(`invalid port specification: "${key}": sctp is not supported`);
  return { port, proto: (m[2] ?? "tcp") as "tcp" | "udp" };
}

function hostPort(s: string, key: string): number {
  if (s === "" || s === undefined || s === null) return 0;
  if (!/^\d+$/.test(s) || Number(s) > 65535) throw invalidArgument(`invalid port specification: "${s}" (for ${key})`);
  return Number(s);
}

/** Checks PortBindings and lists what to publish (with `-P`, the exposed ports not bound explicitly). */
export function planPorts(bindings: unknown, exposed: unknown, publishAll: boolean): PublishedPort[] {
  const out: PublishedPort[] = [];
  const b = (bindings ?? {}) as Record<string, PortBinding[] | null>;
  if (typeof b !== "object" || Array.isArray(b)) throw invalidArgument("HostConfig.PortBindings must be an object");
  for (const [key, list] of Object.entries(b)) {
    const { port, proto } = parsePortKey(key);
    for (const binding of list ?? []) {
      const ip = binding?.HostIp ?? "";
      if (ip !== "" && !/^\d+\.\d+\.\d+\.\d+$/.test(ip) && ip !== "::") {
        throw invalidArgument(`invalid IP address in port binding: "${ip}"`);
      }
      out.push({ proto, containerPort: port, hostIp: ip === "::" ? "" : ip, hostPort: hostPort(binding?.HostPort ?? "", key) });
    }
  }
  if (publishAll) {
    for (const key of Object.keys((exposed ?? {}) as object)) {
      if (key in b) continue;
      const { port, proto } = parsePortKey(key);
      out.push({ proto, containerPort: port, hostIp: "", hostPort: 0 });
    }
  }
  return out;
}

/** A running forwarder of one published port. */
export interface PortProxy {
  port: PublishedPort;
  close(): void;
}

const UDP_IDLE_MS = 60_000;

/**
 * Binds the host side of each port and forwards to `target`; all or nothing: when one cannot bind (a port in use),
 * the ones already bound are closed and a Conflict says which port.
 */
export async function startProxies(ports: PublishedPort[], target: string): Promise<PortProxy[]> {
  const started: PortProxy[] = [];
  try {
    for (const p of ports) started.push(p.proto === "tcp" ? await tcpProxy(p, target) : await udpProxy(p, target));
  } catch (err) {
    for (const s of started) s.close();
    throw err;
  }
  return started;
}

function bindError(p: PublishedPort, err: NodeJS.ErrnoException): Error {
  const where = `${p.hostIp || "0.0.0.0"}:${p.hostPort}`;
  if (err.code === "EADDRINUSE") {
    return conflict(`driver failed programming external connectivity: Bind for ${where} failed: port is already allocated`);
  }
  return conflict(`driver failed programming external connectivity: listen ${p.proto} ${where}: ${err.message}`);
}

/** Bytes read from the container per read into a connection's own buffer (Node's default read size). */
const UPSTREAM_READ = 64 * 1024;

/**
 * The container's side of a connection: what it sends is read into one buffer of the connection's own, reused for
 * every read (no allocation, no stream machinery per chunk: about a third less CPU per byte than a pipe), and written
 * to the client. A write the kernel did not take at once still refers to that buffer, so reading stops until the
 * client has drained; `resumable` says whether reading may start again then (not while the connection moves to a
 * relay). (The client's side cannot be read that way: Node offers it only for sockets it connects.)
 */
function connectUpstream(host: string, port: number, client: Socket, carried: (n: number) => void,
  resumable: () => boolean): Socket {
  const upstream: Socket = connect({ host, port, allowHalfOpen: true, onread: { buffer: Buffer.allocUnsafe(UPSTREAM_READ),
    callback: (n: number, buf: Uint8Array) => {
      client.write(buf.subarray(0, n));
      carried(n);
      if (client.writableLength === 0) return true;
      client.once("drain", () => resumable() && upstream.resume());
      return false;
    } } });
  upstream.on("end", () => client.end());
  return upstream;
}

function tcpProxy(p: PublishedPort, target: string): Promise<PortProxy> {
  const sockets = new Set<Socket>();
  const relays = new Set<ChildProcess>();
  const relay = relayBinary();
  // Half-open on both sides: a client that sends its request and then shuts down its write side (FIN) must still get
  // the reply, so the FIN is passed on (pipe, and the upstream's end, end the other side) instead of closing the
  // whole connection at once.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    // bytes carried so far; past RELAY_AFTER the connection moves to a relay (port-relay.ts), or stays for good
    let total = 0;
    let state: "node" | "moving" | "staying" = "node";
    const carried = (n: number): void => {
      total += n;
      if (!relay || state !== "node" || total < RELAY_AFTER) return;
      state = "moving";
      setImmediate(() => {
        client.unpipe(upstream);
        handOff(relay, client, upstream, (child) => {
          relays.add(child);
          child.once("exit", () => relays.delete(child));
        }, () => {
          state = "staying";
          client.pipe(upstream);
          upstream.resume();
        });
      });
    };
    const upstream = connectUpstream(target, p.containerPort, client, carried, () => state !== "moving");
    sockets.add(client).add(upstream);
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    client.pipe(upstream);
    if (relay) client.on("data", (d: Buffer) => carried(d.length));
    const done = (): void => {
      client.destroy();
      upstream.destroy();
      sockets.delete(client);
      sockets.delete(upstream);
    };
    client.on("error", done).on("close", done);
    upstream.on("error", done).on("close", done);
  });
  return new Promise((resolve, reject) => {
    server.once("error", (err) => reject(bindError(p, err)));
    server.listen({ host: p.hostIp || "0.0.0.0", port: p.hostPort }, () => {
      const addr = server.address();
      const port = { ...p, hostPort: typeof addr === "object" && addr ? addr.port : p.hostPort };
      resolve({
        port,
        close: () => {
          server.close();
          for (const s of sockets) s.destroy();
          for (const r of relays) r.kill("SIGKILL");
        },
      });
    });
  });
}

function udpProxy(p: PublishedPort, target: string): Promise<PortProxy> {
  const server = createSocket("udp4");
  // one upstream socket per client address, so replies find their way back
  const flows = new Map<string, { sock: UdpSocket; timer: NodeJS.Timeout }>();
  server.on("message", (msg, rinfo) => {
    const key = `${rinfo.address}:${rinfo.port}`;
    let flow = flows.get(key);
    if (!flow) {
      const sock = createSocket("udp4");
      sock.on("message", (reply) => server.send(reply, rinfo.port, rinfo.address));
      sock.on("error", () => undefined);
      flow = { sock, timer: setTimeout(() => undefined, 0) };
      flows.set(key, flow);
    }
    const f = flow;
    clearTimeout(f.timer);
    f.timer = setTimeout(() => {
      f.sock.close();
      flows.delete(key);
    }, UDP_IDLE_MS);
    f.timer.unref();
    f.sock.send(msg, p.containerPort, target);
  });
  return new Promise((resolve, reject) => {
    server.once("error", (err) => reject(bindError(p, err)));
    server.bind({ address: p.hostIp || "0.0.0.0", port: p.hostPort }, () => {
      server.removeAllListeners("error");
      server.on("error", () => undefined);
      const port = { ...p, hostPort: server.address().port };
      resolve({
        port,
        close: () => {
          server.close();
          for (const f of flows.values()) {
            clearTimeout(f.timer);
            f.sock.close();
          }
          flows.clear();
        },
      });
    });
  });
}
