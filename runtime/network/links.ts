/**
 * The privileged network operations hakod performs, all through iproute2 and util-linux (`ip`, `nsenter`, `unshare`):
 * bridges, veth pairs, addresses, routes and persistent network namespaces. One interface ({@link HostLinks}) so the
 * rest of the network code never spawns a command itself.
 *
 * A persistent network namespace is what `ip netns add` makes, with its file under the data root instead of
 * /run/netns: `unshare --net=<file> true` creates the namespace and bind-mounts it onto the file, so it outlives the
 * process; unmounting and removing the file lets it go once no process is left in it.
 */
import { execFile } from "node:child_process";
import { rm, writeFile } from "node:fs/promises";
import { internal } from "../errors.js";

function run(cmd: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(internal(`${cmd} ${args.join(" ")}: ${String(stderr).trim() || err.message}`, err));
      else resolve(String(stdout));
    });
  });
}

export interface EndpointSpec {
  /** the namespace file the container end goes into */
  netns: string;
  bridge: string;
  /** host end of the veth pair (≤ 15 characters) */
  hostIf: string;
  /** name of the container end inside the namespace (eth0, eth1, …) */
  ifName: string;
  address: string;
  prefix: number;
  mac: string;
  /** default route via this address ("" for none: internal networks, or a second network) */
  gateway: string;
}

export class HostLinks {
  /** Creates the bridge (idempotent) and gives it the gateway address unless `gateway` is "". */
  async ensureBridge(name: string, gateway: string, prefix: number): Promise<void> {
    if (!(await this.exists(name))) {
      await run("ip", ["link", "add", "name", name, "type", "bridge"]);
    }
    if (gateway) {
      const addrs = await run("ip", ["-4", "-o", "addr", "show", "dev", name]);
      if (!addrs.includes(` ${gateway}/`)) await run("ip", ["addr", "add", `${gateway}/${prefix}`, "dev", name]);
    }
    await run("ip", ["link", "set", name, "up"]);
  }

  async deleteLink(name: string): Promise<void> {
    if (await this.exists(name)) await run("ip", ["link", "del", name]).catch(() => undefined);
  }

  async exists(name: string): Promise<boolean> {
    return run("ip", ["link", "show", "dev", name]).then(() => true, () => false);
  }

  /** IPv4 subnets on the host's interfaces ("a.b.c.d/len"), to keep new networks clear of them. */
  async hostSubnets(): Promise<string[]> {
    const out = await run("ip", ["-4", "-o", "addr"]).catch(() => "");
    return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]!);
  }

  /** Creates a persistent network namespace at `file` with loopback up (idempotent). */
  async createNetns(file: string): Promise<void> {
    if (await this.netnsExists(file)) return;
    await writeFile(file, "");
    await run("unshare", [`--net=${file}`, "true"]);
    await run("nsenter", [`--net=${file}`, "ip", "link", "set", "lo", "up"]);
  }

  async netnsExists(file: string): Promise<boolean> {
    return run("nsenter", [`--net=${file}`, "true"]).then(() => true, () => false);
  }

  async removeNetns(file: string): Promise<void> {
    await run("umount", [file]).catch(() => undefined);
    await rm(file, { force: true });
  }

  /** A veth pair: host end on the bridge, container end moved into the namespace, addressed and up. */
  async addEndpoint(e: EndpointSpec): Promise<void> {
    const peer = `vc${e.hostIf.slice(2)}`;
    await this.deleteLink(e.hostIf);
    await run("ip", ["link", "add", e.hostIf, "type", "veth", "peer", "name", peer]);
    try {
      await run("ip", ["link", "set", e.hostIf, "master", e.bridge]);
      await run("ip", ["link", "set", e.hostIf, "up"]);
      await run("ip", ["link", "set", peer, "netns", e.netns]);
      const ns = (args: string[]): Promise<string> => run("nsenter", [`--net=${e.netns}`, "ip", ...args]);
      await ns(["link", "set", peer, "name", e.ifName]);
      await ns(["link", "set", e.ifName, "address", e.mac]);
      await ns(["addr", "add", `${e.address}/${e.prefix}`, "dev", e.ifName]);
      await ns(["link", "set", e.ifName, "up"]);
      if (e.gateway) await ns(["route", "replace", "default", "via", e.gateway, "dev", e.ifName]);
    } catch (err) {
      await this.deleteLink(e.hostIf);
      throw err;
    }
  }

  /** Removes the veth pair (deleting one end deletes both). */
  async removeEndpoint(hostIf: string): Promise<void> {
    await this.deleteLink(hostIf);
  }
}
