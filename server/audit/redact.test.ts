import { describe, expect, it } from "vitest";
import { REDACTED, redact } from "./redact";

describe("redact", () => {
  it("hides passwords, tokens and credentials at any depth and keeps the rest", () => {
    expect(
      redact({ username: "admin", password: "p", nested: { apiKey: "k", registry: { auth: { token: "t" } } }, list: [{ secret: "s" }] }),
    ).toEqual({ username: "admin", password: REDACTED, nested: { apiKey: REDACTED, registry: { auth: { token: REDACTED } } }, list: [{ secret: REDACTED }] });
  });

  it("keeps environment variable names and drops their values", () => {
    expect(redact({ Env: ["PATH=/bin", "DB_PASSWORD=hunter2", "FLAG"] })).toEqual({ Env: [`PATH=${REDACTED}`, `DB_PASSWORD=${REDACTED}`, "FLAG"] });
  });

  it("passes scalars through", () => {
    expect(redact("text")).toBe("text");
    expect(redact(null)).toBeNull();
    expect(redact(undefined)).toBeUndefined();
  });
});
