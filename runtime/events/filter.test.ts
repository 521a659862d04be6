import { describe, expect, it } from "vitest";
import { containerEvent, imageEvent } from "./container-events.js";
import type { EventInput } from "./events.js";
import { eventFilter } from "./filter.js";
import type { ContainerRecord } from "../containers/container.js";

const rec = (id: string, name: string, labels: Record<string, string> = {}) =>
  ({ id, name, imageId: "sha256:img", config: { Image: "busybox:1.38", Labels: labels } }) as unknown as ContainerRecord;
const web = rec("abc123", "web", { team: "a", tier: "front" });
const db = rec("def456", "db");
const f = (filters: Record<string, string[]>) => eventFilter(new Map(Object.entries(filters)));
const match = (filters: Record<string, string[]>, events: EventInput[]) =>
  events.filter(f(filters)).map((e) => `${e.actor.attributes.name}:${e.action}`);

const events: EventInput[] = [
  containerEvent(web, "start"),
  containerEvent(web, "die", { exitCode: "0" }),
  containerEvent(db, "die", { exitCode: "1" }),
  containerEvent(db, "health_status: healthy"),
  containerEvent(db, "exec_start: sh -c true", { execID: "x" }),
  imageEvent("sha256:img", "tag", "busybox:1.38"),
  { type: "volume", action: "create", actor: { id: "data", attributes: { driver: "local" } } },
];

describe("event filters", () => {
  it("let everything through without filters", () => {
    expect(events.filter(f({}))).toHaveLength(events.length);
  });

  it("match containers by name or ID prefix, and events exactly", () => {
    expect(match({ container: ["web"] }, events)).toEqual(["web:start", "web:die"]);
    expect(match({ container: ["def"] }, events)).toEqual(["db:die", "db:health_status: healthy", "db:exec_start: sh -c true"]);
    expect(match({ container: ["web", "db"], event: ["die"] }, events)).toEqual(["web:die", "db:die"]);
    expect(match({ event: ["health_status", "exec_start"] }, events)).toEqual(["db:health_status: healthy", "db:exec_start: sh -c true"]);
    expect(match({ event: ["dies"] }, events)).toEqual([]);
  });

  it("match type, image (with or without tag), labels and volumes", () => {
    expect(match({ type: ["image"] }, events)).toEqual(["busybox:1.38:tag"]);
    expect(match({ image: ["busybox"] }, events)).toHaveLength(6);
    expect(match({ image: ["busybox:1.38"], type: ["container"] }, events)).toHaveLength(5);
    expect(match({ image: ["alpine"] }, events)).toEqual([]);
    expect(match({ label: ["team=a"] }, events)).toEqual(["web:start", "web:die"]);
    expect(match({ label: ["team=a", "tier"] }, events)).toEqual(["web:start", "web:die"]);
    expect(match({ label: ["team=b"] }, events)).toEqual([]);
    expect(events.filter(f({ volume: ["data"] })).map((e) => e.type)).toEqual(["volume"]);
  });

  it("refuse unknown keys and types", () => {
    expect(() => f({ colour: ["red"] })).toThrow(/invalid filter 'colour'/);
    expect(() => f({ type: ["spaceship"] })).toThrow(/invalid filter 'type=spaceship'/);
  });
});
