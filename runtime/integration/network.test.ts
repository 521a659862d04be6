/**
 * Networking through the stock docker CLI against a real hakod: user-defined bridge networks where containers find
 * each other by name and alias, published TCP and UDP ports reachable from the host, an internal network that cannot
 * reach the host's address on its bridge, state that survives a restart of hakod, no host devices left behind, and the
 * bad input that must be refused. Loopback and the engine's own bridges and namespaces only. As root.
 */
import { execFileSync } from "node:child_process";
import { createSocket } from "node:dgram";
import { connect, createServer, type Server } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

const hostLinks = (): string[] =>
  execFileSync("ip", ["-o", "link"]).toString().trim().split("\n").map((l) => l.split(": ")[1]!.split("@")[0]!);

/** The engine's own devices: its bridges (hk…) and veth host ends (vh…), by its instance prefix. */
const ownLinks = (instance: string): string[] =>
  hostLinks().filter((n) => n.startsWith(`hk${instance.slice(0, 6)}`) || n.startsWith(`hk-${instance.slice(0, 8)}`)
    || n.startsWith(`vh${instance.slice(0, 5)}`));

function tcpGet(port: number, host = "127.0.0.1"): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    let out = "";
    s.on("data", (d) => (out += d.toString()));
    s.on("end", () => resolve(out));
    s.on("error", reject);
    s.end("ping\n");
  });
}

function udpSend(port: number, text: string): Promise<void> {
  const s = createSocket("udp4");
  return new Promise((resolve, reject) => s.send(text, port, "127.0.0.1", (err) => {
    s.close();
    if (err) reject(err);
    else resolve();
  }));
}

function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, "127.0.0.1", () => {
      const p = (s.address() as { port: number }).port;
      s.close(() => resolve(p));
    });
  });
}

describe.skipIf(!isRoot)("networks through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;
  let instance: string;

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
    const { createHash } = await import("node:crypto");
    instance = createHash("sha256").update(engine.dataRoot).digest("hex");
  });
  afterAll(async () => {
    await engine?.cleanup();
  });

  const inspect = async <T = Record<string, unknown>>(what: string[]): Promise<T> =>
    (JSON.parse((await engine.docker(["inspect", ...what])).stdout) as T[])[0]!;

  it("lets containers on a user network reach each other by name and alias, following connect and disconnect", async () => {
    expect((await engine.docker(["network", "create", "--label", "team=a", "appnet"])).code).toBe(0);
    const srv = await engine.docker(["run", "-d", "--name", "srv", "--network", "appnet", "--network-alias", "db", B,
      "sh", "-c", "while true; do echo pong | nc -l -p 7000; done"]);
    expect(srv.code).toBe(0);
    const ask = (host: string, net = "appnet") =>
      engine.docker(["run", "--rm", "--network", net, B, "sh", "-c", `echo ping | nc -w 2 ${host} 7000`]);
    await until(async () => (await ask("srv")).stdout === "pong\n");
    expect((await ask("db")).stdout).toBe("pong\n");
    expect((await ask(srv.stdout.trim().slice(0, 12))).stdout).toBe("pong\n");

    const net = JSON.parse((await engine.docker(["network", "inspect", "appnet"])).stdout)[0] as {
      Containers: Record<string, { Name: string; IPv4Address: string; MacAddress: string }>; Labels: object;
      IPAM: { Config: Array<{ Subnet: string; Gateway: string }> };
    };
    expect(net.Labels).toEqual({ team: "a" });
    const member = net.Containers[srv.stdout.trim()]!;
    expect(member.Name).toBe("srv");
    expect(member.IPv4Address).toMatch(/^10\.\d+\.\d+\.\d+\/24$/);
    expect(member.MacAddress).toMatch(/^02:42:/);

    // a container on the default bridge does not see the user network's names; connecting it does, disconnecting undoes it
    const cli = (await engine.docker(["run", "-d", "--name", "cli", B, "sleep", "300"])).stdout.trim();

    // IPv4-only networks: the bridges and veth host ends get no IPv6 link-local address, so starting a container
    // changes no address on the host (browsers there abort their requests on such a change)
    const devices = ownLinks(instance);
    expect(devices.filter((d) => d.startsWith("vh")).length).toBeGreaterThanOrEqual(2);
    expect(devices.filter((d) => d.startsWith("hk")).length).toBeGreaterThanOrEqual(2);
    for (const d of devices) expect(execFileSync("ip", ["-6", "-o", "addr", "show", "dev", d]).toString(), d).toBe("");
    const lookup = async () => (await engine.docker(["exec", "cli", "cat", "/etc/hosts"])).stdout;
    expect(await lookup()).not.toMatch(/\bsrv\b/);
    expect((await engine.docker(["network", "connect", "--alias", "client", "appnet", "cli"])).code).toBe(0);
    expect(await lookup()).toMatch(/\bsrv db\b/);
    expect((await engine.docker(["exec", "cli", "sh", "-c", "echo ping | nc -w 2 srv 7000"])).stdout).toBe("pong\n");
    expect((await engine.docker(["exec", "srv", "cat", "/etc/hosts"])).stdout).toMatch(/\bcli client\b/);
    expect((await engine.docker(["rename", "cli", "cli2"])).code).toBe(0);
    await until(async () => /\bcli2 client\b/.test((await engine.docker(["exec", "srv", "cat", "/etc/hosts"])).stdout));
    expect((await engine.docker(["network", "disconnect", "appnet", "cli2"])).code).toBe(0);
    expect((await engine.docker(["exec", "cli2", "cat", "/etc/hosts"])).stdout).not.toMatch(/\bsrv\b/);
    expect((await engine.docker(["exec", "srv", "cat", "/etc/hosts"])).stdout).not.toMatch(/\bcli2\b/);

    const rm = await engine.docker(["network", "rm", "appnet"]);
    expect(rm.code).not.toBe(0);
    expect(rm.stderr).toContain("has active endpoints");
    await engine.docker(["rm", "-f", "srv", cli]);
    expect((await engine.docker(["network", "rm", "appnet"])).code).toBe(0);
  });

  it("publishes TCP and UDP ports on the host, shown by ps, port and inspect", async () => {
    const port = await freePort();
    const web = await engine.docker(["run", "-d", "--name", "web", "-p", `127.0.0.1:${port}:7000`, "--expose", "7001", "-P",
      B, "sh", "-c", "while true; do echo hello-tcp | nc -l -p 7000; done"]);
    expect(web.code).toBe(0);
    await until(async () => (await tcpGet(port)) === "hello-tcp\n");
    const ports = (await engine.docker(["port", "web"])).stdout;
    expect(ports).toContain(`7000/tcp -> 127.0.0.1:${port}`);
    const random = /7001\/tcp -> 0\.0\.0\.0:(\d+)/.exec(ports);
    expect(random).not.toBeNull();
    expect((await engine.docker(["ps", "--format", "{{.Ports}}", "--filter", "name=web"])).stdout)
      .toContain(`127.0.0.1:${port}->7000/tcp`);
    const c = await inspect<{ NetworkSettings: { Ports: Record<string, unknown>; IPAddress: string };
      HostConfig: { PortBindings: Record<string, unknown> } }>(["web"]);
    expect(c.NetworkSettings.Ports["7000/tcp"]).toEqual([{ HostIp: "127.0.0.1", HostPort: String(port) }]);
    expect(c.HostConfig.PortBindings["7000/tcp"]).toEqual([{ HostIp: "127.0.0.1", HostPort: String(port) }]);
    expect(c.NetworkSettings.IPAddress).toMatch(/^10\./);

    const uport = await freePort();
    expect((await engine.docker(["run", "-d", "--name", "udp", "-p", `127.0.0.1:${uport}:9999/udp`, B,
      "nc", "-u", "-l", "-p", "9999"])).code).toBe(0);
    await until(async () => {
      await udpSend(uport, "hello-udp\n");
      return (await engine.docker(["logs", "udp"])).stdout.includes("hello-udp");
    });
    await engine.docker(["rm", "-f", "web", "udp"]);
    await expect(tcpGet(port)).rejects.toThrow();
  });

  it("refuses a port in use, starting nothing half-wired", async () => {
    const busy: Server = createServer();
    const port = await new Promise<number>((r) => busy.listen(0, "127.0.0.1", () => r((busy.address() as { port: number }).port)));
    try {
      const r = await engine.docker(["run", "-d", "--name", "clash", "-p", `127.0.0.1:${port}:80`, B, "sleep", "30"]);
      expect(r.code).not.toBe(0);
      expect(r.stderr).toContain("port is already allocated");
      expect((await engine.docker(["inspect", "-f", "{{.State.Status}}", "clash"])).stdout.trim()).toBe("created");
      expect(ownLinks(instance)).toEqual([]);
    } finally {
      busy.close();
      await engine.docker(["rm", "-f", "clash"]);
    }
  });

  it("keeps an internal network away from the host's address on its bridge, unlike a normal one", async () => {
    expect((await engine.docker(["network", "create", "--subnet", "10.250.7.0/24", "open"])).code).toBe(0);
    expect((await engine.docker(["network", "create", "--internal", "--subnet", "10.250.8.0/24", "closed"])).code).toBe(0);
    const gw = (name: string) => engine.docker(["network", "inspect", "-f", "{{(index .IPAM.Config 0).Gateway}}", name]);
    expect((await gw("open")).stdout.trim()).toBe("10.250.7.1");
    // a listener on the host's address of each bridge (the gateway) — only the engine's own addresses
    const listen = (host: string) => new Promise<Server>((resolve, reject) => {
      const s = createServer((c) => c.end("from-host\n")).on("error", reject).listen(7777, host, () => resolve(s));
    });
    const open = await listen("10.250.7.1");
    try {
      const reach = (net: string, host: string) =>
        engine.docker(["run", "--rm", "--network", net, B, "sh", "-c", `nc -w 2 ${host} 7777 </dev/null; ip route`]);
      const a = await reach("open", "10.250.7.1");
      expect(a.stdout).toContain("from-host");
      expect(a.stdout).toContain("default via 10.250.7.1");
      const b = await reach("closed", "10.250.8.1");
      expect(b.stdout).not.toContain("from-host");
      expect(b.stdout).not.toContain("default");
    } finally {
      open.close();
    }
    expect((await engine.docker(["network", "rm", "open", "closed"])).code).toBe(0);
  });

  it("refuses bad network input, changing nothing", async () => {
    expect((await engine.docker(["network", "create", "--subnet", "10.251.0.0/16", "big"])).code).toBe(0);
    const overlap = await engine.docker(["network", "create", "--subnet", "10.251.3.0/24", "small"]);
    expect(overlap.code).not.toBe(0);
    expect(overlap.stderr).toContain("Pool overlaps");
    const overlapApi = await engine.request("POST", "/networks/create", { headers: { "content-type": "application/json" },
      body: JSON.stringify({ Name: "small", IPAM: { Config: [{ Subnet: "10.251.3.0/24" }] } }) });
    expect(overlapApi.status).toBe(403);
    const dup = await engine.docker(["network", "create", "big"]);
    expect(dup.stderr).toContain("already exists");
    const outside = await engine.docker(["run", "--rm", "--network", "big", "--ip", "10.9.9.9", B, "true"]);
    expect(outside.code).toBe(125);
    expect(outside.stderr).toContain("does not belong");
    const badPort = await engine.request("POST", "/containers/create", { headers: { "content-type": "application/json" },
      body: JSON.stringify({ Image: B, Cmd: ["true"], HostConfig: { PortBindings: { "99999/tcp": [{ HostPort: "80" }] } } }) });
    expect(badPort.status).toBe(400);
    expect(badPort.text).toContain("invalid port specification");
    expect((await engine.docker(["network", "ls", "--format", "{{.Name}}"])).stdout.split("\n").sort().join(" ").trim())
      .toBe("big bridge host none");
    const pinned = await engine.docker(["run", "--rm", "--network", "big", "--ip", "10.251.0.77", B, "ip", "-o", "-4", "addr", "show", "eth0"]);
    expect(pinned.stdout).toContain("10.251.0.77/16");
    expect((await engine.docker(["network", "prune", "-f"])).stdout).toContain("big");
  });

  it("gives --hostname, --add-host, --dns and container: modes what they ask for", async () => {
    const r = await engine.docker(["run", "--rm", "--hostname", "box1", "--add-host", "peer.example:10.1.2.3", "--dns", "10.0.0.53",
      B, "sh", "-c", "hostname; grep peer.example /etc/hosts; grep nameserver /etc/resolv.conf"]);
    expect(r.stdout).toBe("box1\n10.1.2.3\tpeer.example\nnameserver 10.0.0.53\n");
    const first = (await engine.docker(["run", "-d", "--name", "first", B, "sleep", "300"])).stdout.trim();
    const ipOf = async (args: string[]) =>
      (await engine.docker(["run", "--rm", ...args, B, "ip", "-o", "-4", "addr", "show", "eth0"])).stdout.split(/\s+/)[3];
    const firstIp = (await engine.docker(["inspect", "-f", "{{.NetworkSettings.IPAddress}}", first])).stdout.trim();
    expect(await ipOf(["--network", `container:${first}`])).toBe(`${firstIp}/24`);
    await engine.docker(["rm", "-f", first]);
  });

  it("keeps networks, addresses and published ports across a restart of hakod, and leaves no device behind", async () => {
    expect((await engine.docker(["network", "create", "keepnet"])).code).toBe(0);
    const port = await freePort();
    const id = (await engine.docker(["run", "-d", "--network", "keepnet", "-p", `127.0.0.1:${port}:7000`, B,
      "sh", "-c", "while true; do echo still-here | nc -l -p 7000; done"])).stdout.trim();
    await until(async () => (await tcpGet(port)) === "still-here\n");
    const ipBefore = (await engine.docker(["inspect", "-f", "{{.NetworkSettings.Networks.keepnet.IPAddress}}", id])).stdout.trim();
    await engine.kill9();
    await engine.restart();
    await until(async () => (await tcpGet(port)) === "still-here\n");
    expect((await engine.docker(["inspect", "-f", "{{.NetworkSettings.Networks.keepnet.IPAddress}}", id])).stdout.trim()).toBe(ipBefore);
    const other = await engine.docker(["run", "--rm", "--network", "keepnet", B, "ip", "-o", "-4", "addr", "show", "eth0"]);
    expect(other.stdout).toMatch(/inet 10\./);
    expect(other.stdout).not.toContain(`${ipBefore}/`);
    await engine.docker(["rm", "-f", id]);
    expect((await engine.docker(["network", "rm", "keepnet"])).code).toBe(0);
    expect(ownLinks(instance)).toEqual([]);
    const left = execFileSync("sh", ["-c", `grep -c ' ${engine.dataRoot}/netns/' /proc/mounts || true`]).toString().trim();
    expect(left).toBe("0");
  });

  it("lets a network whose containers all stopped be removed, as Docker does; their next start then fails", async () => {
    expect((await engine.docker(["network", "create", "stopnet"])).code).toBe(0);
    expect((await engine.docker(["run", "-d", "--name", "stopper", "--network", "stopnet", B, "sleep", "300"])).code).toBe(0);
    const busy = await engine.docker(["network", "rm", "stopnet"]);
    expect(busy.code).not.toBe(0);
    expect(busy.stderr).toContain("has active endpoints");
    // dockerd's statuses: 403 for a network in use and for a pre-defined one
    const busyApi = await engine.request("DELETE", "/networks/stopnet");
    expect([busyApi.status, busyApi.text]).toEqual([403, expect.stringContaining("has active endpoints")]);
    const builtin = await engine.request("DELETE", "/networks/bridge");
    expect([builtin.status, builtin.text]).toEqual([403, expect.stringContaining("bridge is a pre-defined network and cannot be removed")]);
    expect((await engine.docker(["stop", "-t", "0", "stopper"])).code).toBe(0);
    // a stopped container has no endpoint (taken down just after the exit): the network lists no member, is dangling
    await until(async () => (await engine.docker(["network", "inspect", "-f", "{{len .Containers}}", "stopnet"])).stdout.trim() === "0");
    expect((await engine.docker(["network", "ls", "-q", "--filter", "dangling=true", "--filter", "name=stopnet"])).stdout.trim())
      .not.toBe("");
    expect((await engine.docker(["network", "rm", "stopnet"])).code).toBe(0);
    expect(ownLinks(instance)).toEqual([]);
    const start = await engine.docker(["start", "stopper"]);
    expect(start.code).not.toBe(0);
    expect(start.stderr).toMatch(/network \S+ not found/);
    expect((await engine.docker(["inspect", "-f", "{{.State.Running}}", "stopper"])).stdout.trim()).toBe("false");
    expect(ownLinks(instance)).toEqual([]);
    expect((await engine.docker(["rm", "stopper"])).code).toBe(0);
  });
});
