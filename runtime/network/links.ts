/**
 * The privileged network operations hakod performs, all through iproute2 and util-linux (`ip`, `nsenter`, `unshare`,
 * `umount`): bridges, veth pairs, addresses, routes and persistent network namespaces. One interface ({@link HostLinks})
 * so the rest of the network code never spawns a command itself.
 *
 * A persistent network namespace is what `ip netns add` makes, with its file under the data root instead of
 * /run/netns: `unshare --net=<file> …` creates the namespace and bind-mounts it onto the file, so it outlives the
 * process; unmounting the file lets it go once no process is left in it, and with it every device inside, including
 * the container ends of veth pairs, whose host ends the kernel then deletes too.
 *
 * Why this shape: it runs on every container start and exit, and each process spawned from hakod costs several
 * milliseconds (far more under load). So a start is two processes: `unshare --net=<file> ip -batch -` makes the
 * namespace and, from inside it, each veth pair with its host end created straight in hakod's namespace (`peer …
 * netns <hakod's pid>`) and its container end addressed and routed; then one `ip -batch` on the host puts the host
 * ends on their bridges (making a bridge first when this process has not seen it yet). An exit is one `umount`: the
 * pairs go with the namespace (plus `ip link del` of the default bridge when it falls idle, in parallel). Existence
 * checks read /sys and stat(2) instead of asking `ip`.
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
  bridge: string;
  /** the bridge's own address as "a.b.c.d/len", "" for none (internal networks) */
  bridgeAddress: string;
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

/** Whether the kernel has IPv6 (not built without it, not booted with ipv6.disable=1): only then is there a mode to set. */
const HAS_IPV6 = existsSync("/proc/sys/net/ipv6");

/**
 * `addrgenmode none` before the device goes up: no IPv6 link-local address (networks are IPv4 only, as Docker's are
 * without --ipv6), so bringing a bridge or a veth up changes no address that a browser or a network manager on the
 * host watches (Chromium aborts its requests on such a change).
 */
function noLinkLocal(device: string): string[] {
  return HAS_IPV6 ? [`link set ${device} addrgenmode none`] : [];
}

/** How long an exit waits for the kernel to delete the veth pairs of a namespace it let go, before deleting them itself. */
const VETH_GONE_MS = 1000;

export class HostLinks {
  /** Bridges this process has made or configured (and not deleted since): their set-up is skipped while they exist. */
  private readonly ready = new Set<string>();

  /** Creates the bridge (idempotent) and gives it the gateway address unless `gateway` is "". */
  async ensureBridge(name: string, gateway: string, prefix: number): Promise<void> {
    await ipBatch(this.bridgeLines(name, gateway ? `${gateway}/${prefix}` : ""));
    this.ready.add(name);
  }

  private bridgeLines(name: string, address: string): string[] {
    const lines: string[] = [];
    if (!existsSync(`/sys/class/net/${name}`)) lines.push(`link add name ${name} type bridge`, ...noLinkLocal(name));
    // `replace` is idempotent, unlike `add`
    if (address) lines.push(`addr replace ${address} dev ${name}`);
    lines.push(`link set ${name} up`);
    return lines;
  }

  async deleteLink(name: string): Promise<void> {
    this.ready.delete(name);
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

  /**
   * Creates a persistent network namespace at `file` with loopback up and the given endpoints in it, their host ends
   * in hakod's namespace, still to be put on their bridges ({@link plugHostEnds}). On failure the caller removes the
   * namespace ({@link removeNetns}), which takes the pairs along.
   */
  async createNetns(file: string, endpoints: EndpointSpec[]): Promise<void> {
    // a plain file left behind (e.g. by a crash between unmount and rm) is not a namespace: start afresh
    if (!(await this.netnsExists(file))) {
      await rm(file, { force: true });
      await writeFile(file, "");
    }
    const inside = ["link set lo up", ...endpoints.flatMap((e) => this.insideLines(e))];
    await run("unshare", [`--net=${file}`, "ip", "-batch", "-"], inside.join("\n") + "\n");
  }

  /** One more endpoint in an existing namespace (a connect while the container runs), its host end still to plug. */
  async addEndpoint(file: string, e: EndpointSpec): Promise<void> {
    await ipBatch(this.insideLines(e), file);
  }

  /** From inside the namespace: the pair, its host end born in hakod's namespace, the container end set up. */
  private insideLines(e: EndpointSpec): string[] {
    const lines = [`link add ${e.ifName} address ${e.mac} type veth peer name ${e.hostIf} netns ${process.pid}`,
      `addr add ${e.address}/${e.prefix} dev ${e.ifName}`, `link set ${e.ifName} up`];
    if (e.gateway) lines.push(`route replace default via ${e.gateway} dev ${e.ifName}`);
    return lines;
  }

  /** The host ends onto their bridges and up, in one process; a bridge not seen yet is made (or configured) first. */
  async plugHostEnds(endpoints: EndpointSpec[]): Promise<void> {
    const lines: string[] = [];
    const bridges = new Set<string>();
    for (const e of endpoints) {
      if (!bridges.has(e.bridge) && !(this.ready.has(e.bridge) && existsSync(`/sys/class/net/${e.bridge}`))) {
        lines.push(...this.bridgeLines(e.bridge, e.bridgeAddress));
      }
      bridges.add(e.bridge);
      lines.push(...noLinkLocal(e.hostIf), `link set ${e.hostIf} master ${e.bridge}`, `link set ${e.hostIf} up`);
    }
    await ipBatch(lines);
    for (const b of bridges) this.ready.add(b);
  }

  /** A namespace file is a bind mount of nsfs: its device differs from its directory's. */
  async netnsExists(file: string): Promise<boolean> {
    try {
      return statSync(file).dev !== statSync(dirname(file)).dev;
    } catch {
      return false;
    }
  }

  /**
   * Lets the namespace at `file` go, and waits for the veth pairs whose host ends are `hostIfs` to go with it; any
   * still there after a moment (another container joined the namespace and keeps it alive) are deleted here.
   */
  async removeNetns(file: string, hostIfs: string[]): Promise<void> {
    if (await this.netnsExists(file)) await run("umount", [file]).catch(() => undefined);
    await rm(file, { force: true });
    const deadline = Date.now() + VETH_GONE_MS;
    let left = hostIfs.filter((h) => existsSync(`/sys/class/net/${h}`));
    while (left.length > 0 && Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 5));
      left = left.filter((h) => existsSync(`/sys/class/net/${h}`));
    }
    for (const h of left) await this.deleteLink(h);
  }

  /** Removes a veth pair (deleting one end deletes both). */
  async removeEndpoint(hostIf: string): Promise<void> {
    await this.deleteLink(hostIf);
  }
}
