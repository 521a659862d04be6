import { describe, expect, it } from "vitest";
import { DEFAULT_ENGINE_HOST, engineEndpoint } from "./endpoint";

describe("engine endpoint (HAKO_HOST)", () => {
  it("reads unix sockets, bare paths and tcp addresses", () => {
    expect(engineEndpoint(DEFAULT_ENGINE_HOST).options).toEqual({ socketPath: "/run/hako/hako.sock" });
    expect(engineEndpoint("/tmp/h.sock")).toEqual({ url: "unix:///tmp/h.sock", options: { socketPath: "/tmp/h.sock" } });
    expect(engineEndpoint("tcp://127.0.0.1:2375").options).toEqual({ protocol: "http", host: "127.0.0.1", port: 2375 });
  });

  it("refuses anything else with the accepted forms", () => {
    expect(() => engineEndpoint("http://x")).toThrow(/unix:\/\/\/path\.sock or tcp:\/\/host:port/);
  });
});
