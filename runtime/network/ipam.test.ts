import { describe, expect, it } from "vitest";
import {
  allocate, candidateSubnets, formatIp, isHostAddress, macFor, overlaps, parseIp, parseSubnet,
} from "./ipam.js";

describe("IPAM", () => {
  it("parses subnets and refuses host bits, bad prefixes and garbage", () => {
    expect(parseSubnet("10.1.2.0/24")).toEqual({ base: parseIp("10.1.2.0"), prefix: 24 });
    expect(() => parseSubnet("10.1.2.3/24")).toThrow(/host bits/);
    expect(() => parseSubnet("10.1.2.0/33")).toThrow(/invalid CIDR/);
    expect(() => parseSubnet("10.1.300.0/24")).toThrow(/invalid CIDR/);
    expect(() => parseSubnet("nope")).toThrow(/invalid CIDR/);
  });

  it("tells overlapping subnets apart from neighbours", () => {
    expect(overlaps(parseSubnet("10.0.0.0/16"), parseSubnet("10.0.5.0/24"))).toBe(true);
    expect(overlaps(parseSubnet("10.0.5.0/24"), parseSubnet("10.0.0.0/16"))).toBe(true);
    expect(overlaps(parseSubnet("10.0.5.0/24"), parseSubnet("10.0.6.0/24"))).toBe(false);
  });

  it("hands out the lowest free host address, within the range if given, and none when full", () => {
    const s = parseSubnet("10.9.0.0/30");
    const gw = parseIp("10.9.0.1")!;
    expect(formatIp(allocate(s, new Set([gw]))!)).toBe("10.9.0.2");
    expect(allocate(s, new Set([gw, parseIp("10.9.0.2")!]))).toBeNull();
    const big = parseSubnet("10.8.0.0/16");
    expect(formatIp(allocate(big, new Set(), parseSubnet("10.8.4.0/24"))!)).toBe("10.8.4.0");
    expect(isHostAddress(big, parseIp("10.8.255.255")!)).toBe(false);
    expect(isHostAddress(big, parseIp("10.9.0.1")!)).toBe(false);
  });

  it("derives MACs from addresses and default subnets from the instance, never Docker's 172.17/16", () => {
    expect(macFor(parseIp("10.1.2.3")!)).toBe("02:42:0a:01:02:03");
    const a = candidateSubnets("0000aaaa").next().value!;
    const b = candidateSubnets("7fffbbbb").next().value!;
    expect(a).not.toEqual(b);
    for (const s of [a, b]) expect(overlaps(s, parseSubnet("172.17.0.0/16"))).toBe(false);
  });
});
