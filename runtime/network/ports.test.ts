import { createServer } from "node:net";
import { describe, expect, it } from "vitest";
import { RELAY_AFTER } from "./port-relay.js";
import { parsePortKey, planPorts, startProxies } from "./ports.js";

/** Points the proxies started next at another relay binary (undefined: the built one). */
function setRelay(binary: string | undefined): void {
  if (binary === undefined) delete process.env.HAKO_PORT_RELAY;
  else process.env.HAKO_PORT_RELAY = binary;
}

describe("published ports", () => {
  it("plans explicit bindings and -P's exposed ports, refusing invalid specs", () => {
    expect(planPorts({ "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }], "53/udp": [{ HostIp: "", HostPort: "" }] },
      { "80/tcp": {}, "9000/tcp": {} }, true)).toEqual([
      { proto: "tcp", containerPort: 80, hostIp: "127.0.0.1", hostPort: 8080 },
      { proto: "udp", containerPort: 53, hostIp: "", hostPort: 0 },
      { proto: "tcp", containerPort: 9000, hostIp: "", hostPort: 0 },
    ]);
    expect(() => parsePortKey("99999/tcp")).toThrow(/invalid port specification/);
    expect(() => parsePortKey("80/xyz")).toThrow(/invalid port specification/);
    expect(() => planPorts({ "80/tcp": [{ HostIp: "", HostPort: "abc" }] }, {}, false)).toThrow(/invalid port specification/);
    expect(() => planPorts({ "80/tcp": [{ HostIp: "not-an-ip", HostPort: "1" }] }, {}, false)).toThrow(/invalid IP/);
  });

  it("binds all ports or none: a port in use is a Conflict and frees the ones bound before it", async () => {
    const busy = createServer();
    const port = await new Promise<number>((r) => busy.listen(0, "127.0.0.1", () => r((busy.address() as { port: number }).port)));
    try {
      const err = await startProxies([
        { proto: "tcp", containerPort: 1, hostIp: "127.0.0.1", hostPort: 0 },
        { proto: "tcp", containerPort: 2, hostIp: "127.0.0.1", hostPort: port },
      ], "127.0.0.1").then(() => new Error("bound"), (e: unknown) => e as Error);
      expect(err).toMatchObject({ kind: "Conflict" });
      expect(err.message).toContain(`Bind for 127.0.0.1:${port} failed: port is already allocated`);
    } finally {
      busy.close();
    }
  });

  it("forwards TCP to the target address (a loopback listener standing in for a container)", async () => {
    const target = createServer((c) => c.end("through\n"));
    const tport = await new Promise<number>((r) => target.listen(0, "127.0.0.1", () => r((target.address() as { port: number }).port)));
    const [proxy] = await startProxies([{ proto: "tcp", containerPort: tport, hostIp: "127.0.0.1", hostPort: 0 }], "127.0.0.1");
    try {
      const { connect } = await import("node:net");
      const got = await new Promise<string>((resolve, reject) => {
        let out = "";
        connect({ host: "127.0.0.1", port: proxy!.port.hostPort }).on("data", (d) => (out += d.toString()))
          .on("end", () => resolve(out)).on("error", reject);
      });
      expect(got).toBe("through\n");
    } finally {
      proxy!.close();
      target.close();
    }
  });

  // with the relay binary the transfer moves to a relay process midway (port-relay.ts); without it, it stays in Node
  it.each([["through a relay", undefined], ["in Node when the relay binary is missing", "/nonexistent/hako-port-relay"]])(
    "passes large transfers both ways intact to a client that reads slowly at times, and the client's FIN on (%s)",
    async (_, binary) => {
    setRelay(binary);
    const { connect } = await import("node:net");
    const { createHash, randomBytes } = await import("node:crypto");
    const sha = (b: Buffer[]): string => b.reduce((h, x) => h.update(x), createHash("sha256")).digest("hex");
    const chunk = randomBytes(4 << 20);
    const sent = [chunk, chunk.subarray(7), chunk];
    // the "container": reads the client's upload until its FIN, then sends its reply (12 MiB) and closes
    const target = createServer({ allowHalfOpen: true }, (c) => {
      const up: Buffer[] = [];
      c.on("data", (d: Buffer) => up.push(d)).on("end", () => {
        c.write(`${sha(up)}\n`);
        for (const b of sent) c.write(b);
        c.end();
      });
    });
    const tport = await new Promise<number>((r) => target.listen(0, "127.0.0.1", () => r((target.address() as { port: number }).port)));
    const [proxy] = await startProxies([{ proto: "tcp", containerPort: tport, hostIp: "127.0.0.1", hostPort: 0 }], "127.0.0.1");
    try {
      const upload = [randomBytes(3 << 20), randomBytes(1 << 20)];
      const got = await new Promise<Buffer>((resolve, reject) => {
        const parts: Buffer[] = [];
        let n = 0;
        const s = connect({ host: "127.0.0.1", port: proxy!.port.hostPort, allowHalfOpen: true });
        s.on("data", (d: Buffer) => {
          parts.push(Buffer.from(d));
          // stall now and then, so the proxy's writes to this client back up and it must stop reading meanwhile
          if (++n % 16 === 0) {
            s.pause();
            setTimeout(() => s.resume(), 5);
          }
        }).on("end", () => resolve(Buffer.concat(parts))).on("error", reject);
        for (const b of upload) s.write(b);
        s.end();
      });
      const nl = got.indexOf(10);
      expect(got.subarray(0, nl).toString()).toBe(sha(upload));
      expect(sha([got.subarray(nl + 1)])).toBe(sha(sent));
    } finally {
      proxy!.close();
      target.close();
      setRelay(undefined);
    }
  });

  it("gives a bulk connection to a relay process that ends with it, and kills it when the proxy closes", async () => {
    const { connect } = await import("node:net");
    const { readFileSync, readdirSync } = await import("node:fs");
    // the relay processes among this process's children
    const relays = (): number[] => readdirSync("/proc").filter((d) => /^\d+$/.test(d)).flatMap((d) => {
      try {
        const stat = readFileSync(`/proc/${d}/stat`, "utf8");
        return stat.includes("(hako-port-relay)") && stat.split(") ")[1]!.split(" ")[1] === String(process.pid) ? [Number(d)] : [];
      } catch {
        return [];
      }
    });
    // the "container" echoes; the client sends more than RELAY_AFTER and reads it all back, then the relay must exist
    const target = createServer({ allowHalfOpen: true }, (c) => c.pipe(c));
    const tport = await new Promise<number>((r) => target.listen(0, "127.0.0.1", () => r((target.address() as { port: number }).port)));
    const [proxy] = await startProxies([{ proto: "tcp", containerPort: tport, hostIp: "127.0.0.1", hostPort: 0 }], "127.0.0.1");
    const s = connect({ host: "127.0.0.1", port: proxy!.port.hostPort, allowHalfOpen: true });
    try {
      const size = 2 * RELAY_AFTER;
      const ended = new Promise<void>((r) => s.on("end", () => r()));
      await new Promise<void>((resolve, reject) => {
        let got = 0;
        s.on("data", (d: Buffer) => (got += d.length) >= size && resolve()).on("error", reject);
        s.write(Buffer.alloc(size, 1));
      });
      // the hand-off happens once Node has written out what it held: wait for it, then check the echo still works
      // up to 10 s: spawning a process is slow on a loaded machine
      for (let i = 0; i < 500 && relays().length === 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(relays()).toHaveLength(1);
      const echo = new Promise<string>((r) => s.once("data", (d: Buffer) => r(d.toString())));
      s.write("after\n");
      expect(await echo).toBe("after\n");
      proxy!.close();
      await ended;
      for (let i = 0; i < 500 && relays().length > 0; i++) await new Promise((r) => setTimeout(r, 20));
      expect(relays()).toEqual([]);
    } finally {
      s.destroy();
      proxy!.close();
      target.close();
    }
  });
});
