import { describe, expect, it } from "vitest";
import { parseDockerfile } from "./dockerfile/instructions.js";
import { planStages, type Stage } from "./stages.js";

const refs = (s: Stage): string[] => [
  (/^\S+/.exec(s.from.args) ?? [""])[0],
  ...s.instructions.filter((i) => i.flags.has("from")).map((i) => i.flags.get("from") as string),
];
const plan = (src: string, target?: string) => planStages(parseDockerfile(src).instructions, target, refs);

const MULTI = [
  "ARG BASE=busybox",
  "FROM $BASE AS deps",
  "RUN echo deps",
  "FROM busybox AS unused",
  "RUN echo never",
  "FROM busybox AS build",
  "COPY --from=deps /a /a",
  "FROM build",
  "COPY --from=0 /b /b",
].join("\n");

describe("stages and the target", () => {
  it("builds only the stages the last stage needs, dependencies first", () => {
    const p = plan(MULTI);
    expect(p.metaArgs.map((i) => i.args)).toEqual(["BASE=busybox"]);
    expect(p.order.map((s) => s.index)).toEqual([0, 2, 3]);
  });

  it("builds up to --target (names are case-insensitive)", () => {
    expect(plan(MULTI, "UNUSED").order.map((s) => s.name)).toEqual(["unused"]);
    expect(plan(MULTI, "build").order.map((s) => s.name)).toEqual(["deps", "build"]);
  });

  it("refuses an unknown target, a duplicate stage name and a cyclic --from", () => {
    expect(() => plan(MULTI, "nosuch")).toThrow(/failed to reach build target nosuch/);
    expect(() => plan("FROM busybox AS a\nFROM busybox AS a")).toThrow(/duplicate name a/);
    expect(() => plan("FROM busybox AS a\nCOPY --from=b /x /x\nFROM busybox AS b\nCOPY --from=a /y /y")).toThrow(/circular dependency/);
    expect(() => plan("FROM busybox AS a\nCOPY --from=a /x /x")).toThrow(/refers to itself/);
  });
});
