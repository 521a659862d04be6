/**
 * IPv4 address management, pure: parsing CIDR subnets, overlap checks, and picking free addresses. The state it
 * works on (which addresses are taken) lives in the network store (store.ts).
 *
 * Words: a *subnet* is "a.b.c.d/len"; the *gateway* is the host's address on the network's bridge (the first usable
 * address unless given); an *ip range* narrows where dynamic addresses come from.
 */
import { invalidArgument } from "../errors.js";

export interface Subnet {
  /** network address as an unsigned 32-bit number */
  base: number;
  prefix: number;
}

export function parseIp(s: string): number | null {
  const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
  if (!m) return null;
  const parts = m.slice(1).map(Number);
  if (parts.some((p) => p > 255)) return null;
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

export function formatIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join(".");
}

function mask(prefix: number): number {
  return prefix === 0 ? 0 : (0xffffffff << (32 - prefix)) >>> 0;
}

/** Parses "a.b.c.d/len" (host bits set are refused, as dockerd refuses them). */
export function parseSubnet(s: string): Subnet {
  const [ip, len, ...rest] = s.split("/");
  const base = parseIp(ip ?? "");
  const prefix = Number(len);
  if (base === null || rest.length > 0 || !/^\d{1,2}$/.test(len ?? "") || prefix > 32) {
    throw invalidArgument(`invalid CIDR address: ${s}`);
  }
  if ((base & mask(prefix)) >>> 0 !== base) throw invalidArgument(`invalid subnet ${s}: it has host bits set`);
  if (prefix > 30) throw invalidArgument(`invalid subnet ${s}: too small for a network (at most /30)`);
  return { base, prefix };
}

export function formatSubnet(s: Subnet): string {
  return `${formatIp(s.base)}/${s.prefix}`;
}

export function contains(s: Subnet, ip: number): boolean {
  return ((ip & mask(s.prefix)) >>> 0) === s.base;
}

export function overlaps(a: Subnet, b: Subnet): boolean {
  const p = Math.min(a.prefix, b.prefix);
  return ((a.base & mask(p)) >>> 0) === ((b.base & mask(p)) >>> 0);
}

export function broadcast(s: Subnet): number {
  return (s.base | (~mask(s.prefix) >>> 0)) >>> 0;
}

/** The first usable address: the default gateway. */
export function firstHost(s: Subnet): number {
  return s.base + 1;
}

/** A usable host address of the subnet (not the network or broadcast address). */
export function isHostAddress(s: Subnet, ip: number): boolean {
  return contains(s, ip) && ip !== s.base && ip !== broadcast(s);
}

/**
 * The lowest free host address of `range` (or of the subnet), skipping `taken`; null when the subnet is full.
 */
export function allocate(subnet: Subnet, taken: Set<number>, range?: Subnet): number | null {
  const r = range ?? subnet;
  const lo = Math.max(r.base, subnet.base + 1);
  const hi = Math.min(broadcast(r), broadcast(subnet) - 1);
  for (let ip = lo; ip <= hi; ip++) if (!taken.has(ip)) return ip;
  return null;
}

/** A MAC address derived from the IPv4 address, as dockerd makes them: 02:42:a.b.c.d. */
export function macFor(ip: number): string {
  return ["02", "42", ...formatIp(ip).split(".").map((p) => Number(p).toString(16).padStart(2, "0"))].join(":");
}

/**
 * Candidate /24 subnets for networks created without one, in an order seeded by the engine's instance so two hakods
 * on one host start from different places: 10.<64..191>.<0..255>.0/24 (never Docker's 172.17.0.0/16).
 */
export function* candidateSubnets(instance: string): Generator<Subnet> {
  const seed = parseInt(instance.slice(0, 4), 16) || 0;
  const total = 128 * 256;
  for (let i = 0; i < total; i++) {
    const k = (seed + i) % total;
    yield { base: (((10 << 24) >>> 0) + ((64 + (k >> 8)) << 16) + ((k & 255) << 8)) >>> 0, prefix: 24 };
  }
}
