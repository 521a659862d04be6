import { describe, expect, it } from "vitest";
import { credentialsFromHeader, credentialsFromJson, parseChallenges } from "./credentials.js";

const header = (v: unknown) => Buffer.from(JSON.stringify(v)).toString("base64url");

describe("X-Registry-Auth", () => {
  it("is base64url JSON as the CLI sends it; empty means anonymous", () => {
    expect(credentialsFromHeader(header({ username: "alice", password: "p/w+?", serveraddress: "127.0.0.1:5000" })))
      .toEqual({ username: "alice", password: "p/w+?", serverAddress: "127.0.0.1:5000" });
    expect(credentialsFromHeader(undefined)).toEqual({});
    expect(credentialsFromHeader("")).toEqual({});
    expect(credentialsFromHeader(header({}))).toEqual({});
  });

  it("accepts standard base64, an `auth` pair, tokens, and capitalised keys", () => {
    const std = Buffer.from(JSON.stringify({ Username: "bob", Password: "x" })).toString("base64");
    expect(credentialsFromHeader(std)).toEqual({ username: "bob", password: "x" });
    expect(credentialsFromJson({ auth: Buffer.from("carol:a:b").toString("base64") })).toEqual({ username: "carol", password: "a:b" });
    expect(credentialsFromJson({ identitytoken: "refresh", registrytoken: "bearer" })).toEqual({ identityToken: "refresh", registryToken: "bearer" });
  });

  it("refuses what is not JSON", () => {
    expect(() => credentialsFromHeader(Buffer.from("{nope").toString("base64url"))).toThrow(/X-Registry-Auth/);
    expect(() => credentialsFromJson([1])).toThrow(/not an object/);
  });
});

describe("WWW-Authenticate challenges", () => {
  it("Bearer with realm, service and scope", () => {
    expect(parseChallenges('Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/busybox:pull"'))
      .toEqual([{ scheme: "bearer", params: { realm: "https://auth.docker.io/token", service: "registry.docker.io", scope: "repository:library/busybox:pull" } }]);
  });

  it("Basic, several challenges, escapes and unquoted values", () => {
    expect(parseChallenges('Basic realm="Registry Realm"')).toEqual([{ scheme: "basic", params: { realm: "Registry Realm" } }]);
    expect(parseChallenges(['Basic realm="a \\"b\\""', "Bearer realm=http://x/token, service=svc"])).toEqual([
      { scheme: "basic", params: { realm: 'a "b"' } },
      { scheme: "bearer", params: { realm: "http://x/token", service: "svc" } },
    ]);
    expect(parseChallenges(undefined)).toEqual([]);
  });
});
