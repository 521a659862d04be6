/** The console-request origin of events: set from the request's header, never from a label a client chose. */
import { describe, expect, it } from "vitest";
import { EventBus } from "./bus.js";
import { CONSOLE_REQUEST_ATTRIBUTE, withRequestOrigin } from "./origin.js";

const event = (labels: Record<string, string> = {}) => ({ type: "container" as const, action: "start", actor: { id: "c1", attributes: { name: "web", ...labels } } });

describe("event origin", () => {
  it("marks events published while a request with the header is handled, including later async work", async () => {
    const bus = EventBus.inMemory();
    const published = await withRequestOrigin({ "x-hako-console-request": "req-123" }, async () => {
      await new Promise((r) => setTimeout(r, 5));
      return bus.publish(event());
    });
    expect(published.actor.attributes[CONSOLE_REQUEST_ATTRIBUTE]).toBe("req-123");
    expect(published.json).toContain(`"${CONSOLE_REQUEST_ATTRIBUTE}":"req-123"`);
  });

  it("leaves events of other requests unmarked, and drops a label that pretends to be the mark", () => {
    const bus = EventBus.inMemory();
    const plain = withRequestOrigin({}, () => bus.publish(event({ [CONSOLE_REQUEST_ATTRIBUTE]: "forged" })));
    expect(plain.actor.attributes).toEqual({ name: "web" });
    const malformed = withRequestOrigin({ "x-hako-console-request": "bad value\n" }, () => bus.publish(event()));
    expect(malformed.actor.attributes).not.toHaveProperty(CONSOLE_REQUEST_ATTRIBUTE);
  });
});
