/**
 * How hakod talks to registries, set once per engine (`bin/hakod --insecure-registry …`), and the state its clients
 * share across requests: bearer tokens by scope and the scheme each registry answered on.
 *
 * Terms:
 * - **registry host**: the domain of a reference as written, with its port (`127.0.0.1:5000`, `docker.io`).
 * - **insecure** registry: one hakod may reach over plain HTTP (or HTTPS without verifying its certificate). Loopback
 *   is insecure by default, as in Docker: an IP literal in 127.0.0.0/8, `::1`, or `localhost`. Names are judged as
 *   written and never resolved, so no DNS answer can make a registry insecure. Anything else only when configured:
 *   `host[:port]`, or an IPv4 CIDR that an IP-literal host falls in.
 */
import { isIPv4 } from "node:net";
import { invalidArgument } from "../../errors.js";
import { TokenCache } from "./token-cache.js";

export interface RegistryOptions {
  /** `host[:port]` or IPv4 CIDR entries allowed over plain HTTP besides loopback */
  insecureRegistries: string[];
  /** layers downloaded at once per pull (Docker's max-concurrent-downloads, default 3) */
  maxConcurrentDownloads: number;
  /** layers uploaded at once per push (Docker's max-concurrent-uploads, default 5) */
  maxConcurrentUploads: number;
  /** attempts per request on 5xx answers and broken connections */
  attempts: number;
  /** first back-off delay; doubled on each further attempt */
  retryDelayMs: number;
  /** blobs larger than this are uploaded in PATCH chunks of this size; smaller ones in one PUT */
  uploadChunkBytes: number;
}

export const DEFAULT_REGISTRY_OPTIONS: RegistryOptions = {
  insecureRegistries: [],
  maxConcurrentDownloads: 3,
  maxConcurrentUploads: 5,
  attempts: 5,
  retryDelayMs: 200,
  uploadChunkBytes: 64 << 20,
};

/** Docker Hub's names for itself and where its registry API lives. */
export const DOCKER_HUB = "docker.io";
export const DOCKER_HUB_API = "registry-1.docker.io";

export class Registries {
  readonly options: RegistryOptions;
  readonly tokens = new TokenCache();
  /** registry host → base URL (scheme://host) once known */
  readonly endpoints = new Map<string, string>();

  constructor(options: Partial<RegistryOptions> = {}) {
    this.options = { ...DEFAULT_REGISTRY_OPTIONS, ...options };
    for (const entry of this.options.insecureRegistries) checkInsecureEntry(entry);
  }

  /** Whether `host` (a registry host as written, port included) may be reached over plain HTTP. */
  isInsecure(host: string): boolean {
    const bare = hostOnly(host);
    if (isLoopback(bare)) return true;
    for (const entry of this.options.insecureRegistries) {
      if (entry.includes("/")) {
        if (isIPv4(bare) && inCidr(bare, entry)) return true;
      } else if (entry === host || entry === bare) {
        return true;
      }
    }
    return false;
  }
}

/** `127.0.0.1:5000` → `127.0.0.1`; `[::1]:5000` → `::1`. */
export function hostOnly(host: string): string {
  if (host.startsWith("[")) return host.slice(1, host.indexOf("]"));
  const colon = host.lastIndexOf(":");
  return colon > 0 && /^\d+$/.test(host.slice(colon + 1)) ? host.slice(0, colon) : host;
}

function isLoopback(host: string): boolean {
  return host === "localhost" || host === "::1" || (isIPv4(host) && host.startsWith("127."));
}

function ipv4ToInt(ip: string): number {
  return ip.split(".").reduce((n, part) => (n << 8) + Number(part), 0) >>> 0;
}

function inCidr(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split("/") as [string, string];
  const n = Number(bits);
  const mask = n === 0 ? 0 : (~0 << (32 - n)) >>> 0;
  return (ipv4ToInt(ip) & mask) === (ipv4ToInt(base) & mask);
}

function checkInsecureEntry(entry: string): void {
  if (entry.includes("/")) {
    const [base, bits] = entry.split("/");
    if (!base || !isIPv4(base) || !/^\d+$/.test(bits ?? "") || Number(bits) > 32) {
      throw invalidArgument(`invalid insecure registry ${JSON.stringify(entry)}: an IPv4 CIDR must look like 10.0.0.0/8`);
    }
    return;
  }
  if (!/^(?:\[[0-9a-fA-F:]+\]|[A-Za-z0-9.-]+)(?::\d+)?$/.test(entry) || entry.includes("://")) {
    throw invalidArgument(`invalid insecure registry ${JSON.stringify(entry)}: expected host[:port] or an IPv4 CIDR`);
  }
}
