/**
 * The privileged network operations hakod performs, all through iproute2 and util-linux (`ip`, `nsenter`, `unshare`):
 * bridges, veth pairs, addresses, routes and persistent network namespaces. One interface ({@link HostLinks}) so the
 * rest of the network code never spawns a command itself.
 *
 * A persistent network namespace is what `ip netns add` makes, with its file under the data root instead of
 * /run/netns: `unshare --net=<file> …` creates the namespace and bind-mounts it onto the file, so it outlives the
 * process; unmounting and removing the file lets it go once no process is left in it.
 *
 * Why batches: this runs on every container start, and each process spawned from hakod costs several milliseconds
 * (far more under load). So the host side of an endpoint is one `ip -batch`, the namespace side one `nsenter … ip
 * -batch`, the namespace itself one `unshare`, and existence checks read /sys and stat(2) instead of asking `ip`.
 */
import { execFile } from "node:child_process";
import { existsSync, statSync } from "node:fs";
import { rm, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { internal } from "../errors.js";

function run(cmd: string, args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = execFile(cmd, args, { timeout: 15_000 }, (err, stdout, stderr) => {
      if (err) reject(internal(`${cmd} ${args.join(" ")}: ${String(stderr).trim() || err.message}`, err));
      else resolve(String(stdout));
    });
    if (input !== undefined) child.stdin?.end(input);
  });
}

/** Runs iproute2 commands (one per line, without the leading `ip`) in one process, stopping at the first failure. */
function ipBatch(lines: string[], netns?: string): Promise<string> {
  const script = lines.join("\n") + "\n";
  return netns ? run("nsenter", [`--net=${netns}`, "ip", "-batch", "-"], script) : run("ip", ["-batch", "-"], script);
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
    const lines: string[] = [];
    if (!(await this.exists(name))) lines.push(`link add name ${name} type bridge`);
    // `replace` is idempotent, unlike `add`
    if (gateway) lines.push(`addr replace ${gateway}/${prefix} dev ${name}`);
    lines.push(`link set ${name} up`);
    await ipBatch(lines);
  }

  async deleteLink(name: string): Promise<void> {
    if (await this.exists(name)) await run("ip", ["link", "del", name]).catch(() => undefined);
  }

  /** Whether a link of that name exists in hakod's network namespace (read from /sys: no process). */
  async exists(name: string): Promise<boolean> {
    return existsSync(`/sys/class/net/${name}`);
  }

  /** IPv4 subnets on the host's interfaces ("a.b.c.d/len"), to keep new networks clear of them. */
  async hostSubnets(): Promise<string[]> {
    const out = await run("ip", ["-4", "-o", "addr"]).catch(() => "");
    return [...out.matchAll(/inet (\d+\.\d+\.\d+\.\d+\/\d+)/g)].map((m) => m[1]!);
  }

  /** Creates a persistent network namespace at `file` with loopback up (idempotent). */
  async createNetns(file: string): Promise<void> {
    if (await this.netnsExists(file)) return;
    // a plain file left behind (e.g. by a crash between unmount and rm) is not a namespace: start afresh
    await rm(file, { force: true });
    await writeFile(file, "");
    await run("unshare", [`--net=${file}`, "ip", "link", "set", "lo", "up"]);
  }

  /** A namespace file is a bind mount of nsfs: its device differs from its directory's. */
  async netnsExists(file: string): Promise<boolean> {
    try {
      return statSync(file).dev !== statSync(dirname(file)).dev;
    } catch {
      return false;
    }
  }

  async removeNetns(file: string): Promise<void> {
    if (await this.netnsExists(file)) await run("umount", [file]).catch(() => undefined);
    await rm(file, { force: true });
  }

  /** A veth pair: host end on the bridge, container end moved into the namespace, renamed, addressed and up. */
  async addEndpoint(e: EndpointSpec): Promise<void> {
    await this.deleteLink(e.hostIf);
    const peer = `vc${e.hostIf.slice(2)}`;
    await ipBatch([
      `link add ${e.hostIf} type veth peer name ${peer}`,
      `link set ${e.hostIf} master ${e.bridge}`,
      `link set ${e.hostIf} up`,
      `link set ${peer} netns ${e.netns}`,
    ]);
    try {
      const inside = [`link set ${peer} name ${e.ifName}`, `link set ${e.ifName} address ${e.mac}`,
        `addr add ${e.address}/${e.prefix} dev ${e.ifName}`, `link set ${e.ifName} up`];
      if (e.gateway) inside.push(`route replace default via ${e.gateway} dev ${e.ifName}`);
      await ipBatch(inside, e.netns);
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
