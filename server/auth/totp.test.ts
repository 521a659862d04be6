import { describe, expect, it } from "vitest";
import { base32Decode, base32Encode, hotp, matchTotp, otpauthUri, totp, totpStep } from "./totp";

const rfcSecret = Buffer.from("12345678901234567890");

describe("HOTP (RFC 4226 appendix D)", () => {
  const expected = ["755224", "287082", "359152", "969429", "338314", "254676", "287922", "162583", "399871", "520489"];
  it.each(expected.map((code, counter) => ({ counter, code })))("counter $counter → $code", ({ counter, code }) => {
    expect(hotp(rfcSecret, counter)).toBe(code);
  });
});

describe("TOTP (RFC 6238 appendix B, SHA-1, 8 digits)", () => {
  it.each([
    [59, "94287082"],
    [1111111109, "07081804"],
    [1111111111, "14050471"],
    [1234567890, "89005924"],
    [2000000000, "69279037"],
    [20000000000, "65353130"],
  ])("time %i → %s", (seconds, code) => {
    expect(totp(rfcSecret, new Date(seconds * 1000), 8)).toBe(code);
  });
});

describe("base32 (RFC 4648 section 10)", () => {
  it.each([
    ["", ""], ["f", "MY"], ["fo", "MZXQ"], ["foo", "MZXW6"], ["foob", "MZXW6YQ"], ["fooba", "MZXW6YTB"], ["foobar", "MZXW6YTBOI"],
  ])("%j ↔ %s", (plain, encoded) => {
    expect(base32Encode(Buffer.from(plain))).toBe(encoded);
    expect(base32Decode(encoded)?.toString()).toBe(plain);
  });

  it("accepts lower case, spaces and padding, and refuses other characters", () => {
    expect(base32Decode("mzxw 6ytb oi======")?.toString()).toBe("foobar");
    expect(base32Decode("MZXW1")).toBeNull();
  });

  it("round-trips the RFC secret", () => {
    expect(base32Encode(rfcSecret)).toBe("GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ");
  });
});

describe("matching a code", () => {
  const now = new Date(1111111111 * 1000);
  const step = totpStep(now);

  it("accepts the current step and one on either side, nothing further", () => {
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step), now, null)).toBe(step);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step - 1), now, null)).toBe(step - 1);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step + 1), now, null)).toBe(step + 1);
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step - 2), now, null)).toBeNull();
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step + 2), now, null)).toBeNull();
  });

  it("refuses a replay: a step at or before the last accepted one", () => {
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step), now, step)).toBeNull();
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step - 1), now, step - 1)).toBeNull();
    expect(matchTotp(rfcSecret, hotp(rfcSecret, step + 1), now, step)).toBe(step + 1);
  });

  it("refuses malformed codes", () => {
    for (const code of ["", "12345", "1234567", "12345a", " 123456"]) expect(matchTotp(rfcSecret, code, now, null)).toBeNull();
  });
});

describe("otpauth URI", () => {
  it("carries the base32 secret, issuer and parameters authenticator apps read", () => {
    const text = otpauthUri(rfcSecret, "alice");
    expect(text.startsWith("otpauth://totp/Hako:alice?")).toBe(true);
    const uri = new URL(text);
    expect(Object.fromEntries(uri.searchParams)).toEqual({
      secret: "GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ", issuer: "Hako", algorithm: "SHA1", digits: "6", period: "30",
    });
  });
});
