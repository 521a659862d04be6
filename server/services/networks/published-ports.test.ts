/**
 * The run form's networking and published ports: what is refused (with the words the form shows), what the engine is
 * sent, and how a published port is shown and linked.
 */
import { describe, expect, it } from "vitest";
import { z } from "zod";
import { createBody, runInputSchema } from "../containers/run-spec";
import { networkCreateSchema } from "./network-input";
import { publishedPortsOf, publishedPortText, publishedPortUrl } from "./published-ports";

const fieldErrors = (schema: z.ZodType, input: unknown) => {
  const result = schema.safeParse(input);
  return result.success ? {} : (z.flattenError(result.error).fieldErrors as Record<string, string[]>);
};

describe("published ports in the run form", () => {
  it("refuses ports outside 1–65535, bad ranges and addresses, row by row", () => {
    const errors = fieldErrors(runInputSchema, {
      image: "busybox",
      ports: [
        { containerPort: "0" },
        { hostPort: "70000", containerPort: "80" },
        { hostPort: "8000-8001", containerPort: "80-82" },
        { hostIp: "localhost", containerPort: "80" },
        { hostPort: "8080" },
      ],
    });
    expect(errors.ports).toEqual([
      'Port 1: "0" is not a container port: write a number from 1 to 65535, or a range such as 8000-8009.',
      'Port 2: "70000" is not a host port: write a number from 1 to 65535, a range, or leave it empty for a free one.',
      "Port 3: the host and container ranges must have the same length.",
      'Port 4: "localhost" is not an address to listen on: write an IPv4 address such as 127.0.0.1, or leave it empty for all.',
      "Port 5: give the container port (1–65535).",
    ]);
  });

  it("refuses published ports with the host or no network, and aliases off a user network", () => {
    expect(fieldErrors(runInputSchema, { image: "busybox", network: "host", ports: [{ containerPort: "80" }] }).ports).toEqual([
      "With the host network the container uses the host's ports directly: remove the published ports.",
    ]);
    expect(fieldErrors(runInputSchema, { image: "busybox", network: "none", publishAll: true }).ports).toHaveLength(1);
    expect(Object.keys(fieldErrors(runInputSchema, { image: "busybox", network: "bridge", networkAliases: ["web"], ip: "10.0.0.5" })).sort()).toEqual(["ip", "networkAliases"]);
  });

  it("becomes NetworkMode, ExposedPorts, PortBindings, PublishAllPorts and the user network's endpoint", () => {
    const body = createBody(runInputSchema.parse({
      image: "busybox",
      network: "backend",
      networkAliases: ["api"],
      ip: "10.20.0.9",
      ports: [{ hostIp: "127.0.0.1", hostPort: "8080", containerPort: "80" }, { containerPort: "5353", proto: "udp" }, { hostPort: "9000-9001", containerPort: "7000-7001" }],
      publishAll: true,
    }));
    expect(body.HostConfig).toMatchObject({
      NetworkMode: "backend",
      PublishAllPorts: true,
      PortBindings: {
        "80/tcp": [{ HostIp: "127.0.0.1", HostPort: "8080" }],
        "5353/udp": [{ HostIp: "", HostPort: "" }],
        "7000/tcp": [{ HostIp: "", HostPort: "9000" }],
        "7001/tcp": [{ HostIp: "", HostPort: "9001" }],
      },
    });
    expect(Object.keys(body.ExposedPorts ?? {}).sort()).toEqual(["5353/udp", "7000/tcp", "7001/tcp", "80/tcp"]);
    expect(body.NetworkingConfig).toEqual({ EndpointsConfig: { backend: { Aliases: ["api"], IPAMConfig: { IPv4Address: "10.20.0.9" } } } });
  });

  it("leaves the network to the engine when none is chosen", () => {
    const body = createBody(runInputSchema.parse({ image: "busybox" }));
    expect(body.HostConfig?.NetworkMode).toBeUndefined();
    expect(body.HostConfig?.PortBindings).toBeUndefined();
    expect(body.NetworkingConfig).toBeUndefined();
  });
});

describe("a published port as shown", () => {
  const shown = publishedPortsOf({
    "80/tcp": [{ HostIp: "0.0.0.0", HostPort: "8080" }],
    "443/tcp": [{ HostIp: "127.0.0.1", HostPort: "8443" }],
    "53/udp": [{ HostIp: "0.0.0.0", HostPort: "5353" }],
    "9000/tcp": null,
  });
  const port = (containerPort: number) => shown.find((p) => p.containerPort === containerPort)!;
  const [all, local, udp] = [port(80), port(443), port(53)];

  it("reads Docker's NetworkSettings.Ports, leaving out exposed ports that are not published", () => {
    expect(shown).toHaveLength(3);
    expect([all, local, udp].map(publishedPortText)).toEqual(["0.0.0.0:8080→80/tcp", "127.0.0.1:8443→443/tcp", "0.0.0.0:5353→53/udp"]);
  });

  it("links TCP ports: on every address through the console's host name, else at the bound address", () => {
    expect(publishedPortUrl(all, "hako.example")).toBe("http://hako.example:8080");
    expect(publishedPortUrl(all, "::1")).toBe("http://[::1]:8080");
    expect(publishedPortUrl(local, "hako.example")).toBe("http://127.0.0.1:8443");
    expect(publishedPortUrl(udp, "hako.example")).toBeNull();
  });
});

describe("a new network's fields", () => {
  it("refuses a bad subnet, a gateway outside it, and labels without a value", () => {
    expect(fieldErrors(networkCreateSchema, { name: "a", subnet: "10.1.0.0/33" }).subnet).toEqual(["Write an IPv4 subnet in CIDR form, such as 10.20.0.0/24."]);
    expect(fieldErrors(networkCreateSchema, { name: "a", subnet: "10.1.0.0/24", gateway: "10.1.1.1" }).gateway).toEqual(["The gateway must be a host address inside 10.1.0.0/24."]);
    expect(fieldErrors(networkCreateSchema, { name: "a", subnet: "10.1.0.0/24", gateway: "10.1.0.255" }).gateway).toHaveLength(1);
    expect(fieldErrors(networkCreateSchema, { name: "a", gateway: "10.1.0.1" }).gateway).toHaveLength(1);
    expect(fieldErrors(networkCreateSchema, { name: "-a", labels: ["novalue"] })).toMatchObject({ name: [expect.any(String)], labels: [expect.any(String)] });
    expect(fieldErrors(networkCreateSchema, { name: "backend", subnet: "10.1.0.0/24", gateway: "10.1.0.1", labels: ["tier=db"] })).toEqual({});
  });
});
