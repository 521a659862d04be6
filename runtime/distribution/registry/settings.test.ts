import { describe, expect, it } from "vitest";
import { hostOnly, Registries } from "./settings.js";
import { TokenCache } from "./token-cache.js";

describe("which registries may be reached over plain HTTP", () => {
  it("loopback as written: 127.0.0.0/8, ::1, localhost", () => {
    const r = new Registries();
    for (const h of ["127.0.0.1:5000", "127.3.2.1", "localhost:5000", "[::1]:5000"]) expect(r.isInsecure(h), h).toBe(true);
    for (const h of ["docker.io", "vm:5000", "10.0.0.5:5000", "127.0.0.1.example.com:5000", "localhost.localdomain"]) {
      expect(r.isInsecure(h), h).toBe(false);
    }
  });

  it("configured hosts, with or without port, and IPv4 CIDRs", () => {
    const r = new Registries({ insecureRegistries: ["vm:5000", "registry.lan", "10.1.0.0/16"] });
    expect(r.isInsecure("vm:5000")).toBe(true);
    expect(r.isInsecure("vm:6000")).toBe(false);
    expect(r.isInsecure("registry.lan:443")).toBe(true);
    expect(r.isInsecure("10.1.200.3:5000")).toBe(true);
    expect(r.isInsecure("10.2.0.1:5000")).toBe(false);
  });

  it("malformed entries are refused", () => {
    expect(() => new Registries({ insecureRegistries: ["http://x"] })).toThrow(/invalid insecure registry/);
    expect(() => new Registries({ insecureRegistries: ["10.0.0.0/33"] })).toThrow(/CIDR/);
  });

  it("hostOnly strips the port", () => {
    expect(hostOnly("127.0.0.1:5000")).toBe("127.0.0.1");
    expect(hostOnly("[::1]:5000")).toBe("::1");
    expect(hostOnly("docker.io")).toBe("docker.io");
  });
});

describe("token cache", () => {
  it("keeps a token per scope set and account until shortly before it expires", () => {
    const c = new TokenCache();
    const k = TokenCache.key("r", "s", ["repository:a:pull", "repository:b:pull"], "alice");
    expect(TokenCache.key("r", "s", ["repository:b:pull", "repository:a:pull"], "alice")).toBe(k);
    expect(TokenCache.key("r", "s", ["repository:a:pull"], "alice")).not.toBe(k);
    c.set(k, "t", 60, 1_000_000);
    expect(c.get(k, 1_000_000 + 30_000)).toBe("t");
    expect(c.get(k, 1_000_000 + 55_000)).toBeUndefined();
  });
});
