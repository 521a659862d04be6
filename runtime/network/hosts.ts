/**
 * Name resolution inside containers: each one's /etc/hosts and, when it asks for its own DNS settings,
 * /etc/resolv.conf, both bind-mounted from the data root.
 *
 * Names are resolved by maintained /etc/hosts entries rather than an embedded DNS server: a container's hosts file
 * lists its own address, its extra hosts and, on user-defined networks, every other running member by name, aliases
 * and short ID, and is rewritten whenever a member starts, stops, connects, disconnects or is renamed. That needs no
 * listener inside each network, works with any libc and nothing can be lost across a restart of hakod; what it cannot
 * do is answer for names of containers that join later to a program that cached the file (busybox and glibc re-read
 * it on every lookup).
 */
import { writeFile } from "node:fs/promises";
import type { Layout } from "../layout.js";
import { hostsFile, resolvConf } from "../containers/env.js";
import type { ContainerRecord } from "../containers/container.js";
import type { ContainerLookup, NetworkStore } from "./store.js";

export class HostsFiles {
  constructor(private readonly store: NetworkStore, private readonly layout: Layout,
    private readonly host: { resolvConf: string }, private readonly containers: () => ContainerLookup) {}

  /** Writes a container's hosts file as its attachments are now. */
  write(rec: ContainerRecord): Promise<void> {
    return writeFile(this.layout.hostsFile(rec.id), this.hostsFor(rec));
  }

  /** Rewrites the hosts files of running containers on user networks (except `skip`, just written). */
  async refresh(skip?: string): Promise<void> {
    for (const [id, atts] of Object.entries(this.store.state.attachments)) {
      if (id === skip || !Object.values(atts).some((a) => a.ip)) continue;
      let rec: ContainerRecord;
      try {
        rec = this.containers().get(id);
      } catch {
        continue;
      }
      await writeFile(this.layout.hostsFile(id), this.hostsFor(rec)).catch(() => undefined);
    }
  }

  private hostsFor(rec: ContainerRecord): string {
    const own = Object.values(this.store.attachments(rec.id)).find((a) => a.ip)?.ip;
    let text = hostsFile(rec.config.Hostname);
    if (own) text = text.replace(`127.0.1.1\t${rec.config.Hostname}\n`, "");
    const lines: string[] = [];
    for (const h of (rec.hostConfig.ExtraHosts as string[] | null) ?? []) {
      const i = h.lastIndexOf(":");
      if (i > 0) lines.push(`${h.slice(i + 1) === "host-gateway" ? this.hostGateway(rec) : h.slice(i + 1)}\t${h.slice(0, i)}`);
    }
    if (own) lines.push(`${own}\t${rec.config.Hostname}`);
    for (const [netId, a] of Object.entries(this.store.attachments(rec.id))) {
      const net = this.store.byId(netId);
      if (!net || net.builtin || !a.ip) continue;
      for (const [otherId, atts] of Object.entries(this.store.state.attachments)) {
        const b = atts[netId];
        if (otherId === rec.id || !b?.ip) continue;
        let other: ContainerRecord;
        try {
          other = this.containers().get(otherId);
        } catch {
          continue;
        }
        lines.push(`${b.ip}\t${[other.name, ...b.aliases, otherId.slice(0, 12)].join(" ")}`);
      }
    }
    return text + lines.map((l) => `${l}\n`).join("");
  }

  private hostGateway(rec: ContainerRecord): string {
    const netId = Object.keys(this.store.attachments(rec.id))[0];
    return this.store.state.networks.find((n) => n.id === netId)?.gateway || this.store.byName("bridge")!.gateway;
  }

  /** Only with --dns, --dns-search or --dns-option: the host's resolv.conf with those lines replaced. */
  async writeResolvConf(rec: ContainerRecord): Promise<void> {
    const h = rec.hostConfig;
    const dns = (h.Dns as string[] | null) ?? [];
    const search = (h.DnsSearch as string[] | null) ?? [];
    const opts = (h.DnsOptions as string[] | null) ?? [];
    if (dns.length === 0 && search.length === 0 && opts.length === 0) return;
    const base = resolvConf(this.host.resolvConf).split("\n").filter((l) => l.trim() !== "");
    const keep = base.filter((l) => !(dns.length > 0 && /^\s*nameserver\s/.test(l))
      && !(search.length > 0 && /^\s*(search|domain)\s/.test(l)) && !(opts.length > 0 && /^\s*options\s/.test(l)));
    const out = [...keep, ...dns.map((d) => `nameserver ${d}`)];
    if (search.length > 0) out.push(`search ${search.join(" ")}`);
    if (opts.length > 0) out.push(`options ${opts.join(" ")}`);
    await writeFile(this.layout.resolvConfFile(rec.id), `${out.join("\n")}\n`);
  }
}
