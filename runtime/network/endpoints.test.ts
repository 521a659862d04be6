/**
 * Endpoints against the real host (iproute2, network namespaces; runs as root): what a start that fails half-way
 * leaves behind once the caller has taken it down, as the network manager does.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdirSync } from "node:fs";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { ContainerRecord } from "../containers/container.js";
import { Layout } from "../layout.js";
import { tempDir } from "../testing/temp.js";
import { Endpoints, newAttachment } from "./endpoints.js";
import { HostLinks } from "./links.js";
import type { NetworkRecord } from "./network.js";
import type { PortProxies } from "./proxies.js";
import { NetworkStore } from "./store.js";

const isRoot = process.getuid?.() === 0;
const link = (name: string) => existsSync(`/sys/class/net/${name}`);
const ipLink = (...args: string[]) => execFileSync("ip", ["link", ...args], { stdio: "ignore" });

function network(id: string, name: string, subnet: string, bridge: string): NetworkRecord {
  return { id, name, created: new Date().toISOString(), driver: "bridge", internal: false, subnet,
    gateway: subnet.replace(/0\/24$/, "1"), ipRange: "", labels: {}, bridge, builtin: name === "bridge" };
}

describe.skipIf(!isRoot)("Endpoints on the host", () => {
  let dir: { path: string; cleanup(): Promise<void> };
  let layout: Layout;
  let blocker: string;

  beforeEach(async () => {
    dir = await tempDir();
    layout = new Layout(dir.path);
    mkdirSync(layout.netnsDir(), { recursive: true });
  });
  afterEach(async () => {
    for (const name of [blocker, layout.defaultBridge()]) if (link(name)) ipLink("del", name);
    await dir.cleanup();
  });

  it("takes down the default bridge a failed start made, with the endpoints and the namespace", async () => {
    const store = new NetworkStore(layout);
    const bridge = network("b".repeat(64), "bridge", "10.254.71.0/24", layout.defaultBridge());
    const user = network("u".repeat(64), "mynet", "10.254.72.0/24", layout.bridgeName("u".repeat(64)));
    store.state.networks.push(bridge, user);
    // the second network's bridge name is taken by a device that is no bridge: plugging into it fails after the
    // default bridge has been made for the first endpoint
    blocker = user.bridge;
    ipLink("add", blocker, "type", "veth", "peer", "name", `hkt${process.pid}`); // (deleting one end deletes both)
    const atts = { [bridge.id]: newAttachment(bridge, [], ""), [user.id]: newAttachment(user, [], "") };
    store.state.attachments.c1 = atts;
    const endpoints = new Endpoints(store, layout, new HostLinks(), { close: () => undefined } as unknown as PortProxies);
    const rec = { id: "c1" } as ContainerRecord;

    await expect(endpoints.plugInAll(rec, [[bridge, atts[bridge.id]!], [user, atts[user.id]!]])).rejects.toThrow();
    const hostIfs = Object.values(atts).map((a) => a.hostIf);
    expect(link(layout.defaultBridge())).toBe(true); // made by this start
    await endpoints.teardownNow(rec.id);

    expect(link(layout.defaultBridge())).toBe(false);
    expect(hostIfs.filter(link)).toEqual([]);
    expect(existsSync(layout.netnsFile(rec.id))).toBe(false);
    expect(Object.values(atts).map((a) => a.ip)).toEqual(["", ""]); // the addresses are free again
  });
});
