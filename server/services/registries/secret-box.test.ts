import { mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { KEY_FILE, loadSecretKey, open, seal } from "./secret-box";

const dir = mkdtempSync(join(tmpdir(), "hako-secret-box-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("secrets at rest (AES-256-GCM, key outside the database)", () => {
  it("creates secrets.key (32 bytes, mode 0600) on first use and reads the same key after", () => {
    const key = loadSecretKey(dir);
    expect(key).toHaveLength(32);
    expect(statSync(join(dir, KEY_FILE)).mode & 0o777).toBe(0o600);
    expect(loadSecretKey(dir).equals(key)).toBe(true);
  });

  it("round-trips a secret, and the sealed form contains neither the secret nor the key", () => {
    const key = loadSecretKey(dir);
    const sealed = seal(key, "hunter2-token", "127.0.0.1:5000");
    expect(sealed).toMatch(/^v1:/);
    expect(sealed).not.toContain("hunter2");
    expect(sealed).not.toContain(readFileSync(join(dir, KEY_FILE), "utf8").trim());
    expect(open(key, sealed, "127.0.0.1:5000")).toBe("hunter2-token");
    expect(seal(key, "hunter2-token", "127.0.0.1:5000")).not.toBe(sealed); // a fresh IV every time
  });

  it("refuses to open with another key, for another row, or after tampering", () => {
    const key = loadSecretKey(dir);
    const sealed = seal(key, "s3cret", "a.example");
    const otherDir = mkdtempSync(join(tmpdir(), "hako-secret-box-other-"));
    try {
      expect(() => open(loadSecretKey(otherDir), sealed, "a.example")).toThrow(/secrets\.key is not the one/);
    } finally {
      rmSync(otherDir, { recursive: true, force: true });
    }
    expect(() => open(key, sealed, "b.example")).toThrow(/cannot be decrypted/);
    const parts = sealed.split(":");
    const data = Buffer.from(parts[3]!, "base64");
    data[0] = (data[0] ?? 0) ^ 1;
    expect(() => open(key, [...parts.slice(0, 3), data.toString("base64")].join(":"), "a.example")).toThrow(/cannot be decrypted/);
    expect(() => open(key, "v0:x", "a.example")).toThrow(/unknown format/);
  });
});
