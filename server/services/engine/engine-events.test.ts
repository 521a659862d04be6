import { describe, expect, it } from "vitest";
import { quoteTimeNano, toEvent } from "./engine-events";

describe("engine events", () => {
  it("keeps every digit of timeNano, which a double would round", () => {
    const line = '{"Type":"container","Action":"die","Actor":{"ID":"abc","Attributes":{"name":"web","exitCode":"3"}},"time":1767323045,"timeNano":1767323045123456789}';
    const event = toEvent(JSON.parse(quoteTimeNano(line)));
    expect(event).toEqual({
      cursor: "1767323045123456789",
      time: "2026-01-02T03:04:05.123Z",
      type: "container",
      action: "die",
      actorId: "abc",
      actorName: "web",
      attributes: { name: "web", exitCode: "3" },
    });
  });

  it("falls back to the old fields (status, id, time) and a short ID for a name", () => {
    const event = toEvent({ status: "pull", id: "sha256:0123456789abcdef0123", time: 1767323045 });
    expect(event).toMatchObject({ type: "container", action: "pull", actorName: "0123456789ab", cursor: "1767323045000000000" });
  });
});
