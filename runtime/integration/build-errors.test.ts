/**
 * Bad input to `docker build`: every case ends with the docker CLI's exit code 1 and a message that says what is
 * wrong (with the Dockerfile line where there is one), and changes nothing outside the build.
 */
import { existsSync } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarOf } from "../testing/tar-build.js";
import { contextOf } from "../testing/build-fixtures.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

describe.skipIf(!isRoot)("docker build refuses bad input", () => {
  let engine: EngineHandle;
  let B: string;
  const dirs: string[] = [];
  const fails = async (dockerfile: string, files: Record<string, string> = {}, args: string[] = []) => {
    const ctx = await contextOf({ Dockerfile: dockerfile, ...files });
    dirs.push(ctx);
    const r = await engine.docker(["build", ...args, ctx], { timeoutMs: 60_000 });
    expect(r.code, r.stdout).toBe(1);
    return r.stderr;
  };

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("an unknown instruction, with its line number", async () => {
    expect(await fails(`FROM ${B}\n\nFOO bar\n`)).toMatch(/dockerfile parse error on line 3 \(Dockerfile\): unknown instruction: FOO/);
  });

  it("a failing RUN, with Docker's message and the command's exit code", async () => {
    expect(await fails(`FROM ${B}\nRUN false\n`)).toContain("The command '/bin/sh -c false' returned a non-zero code: 1");
    expect(await fails(`FROM ${B}\nRUN ["sh", "-c", "exit 7"]\n`)).toContain("The command 'sh -c exit 7' returned a non-zero code: 7");
  });

  it("a missing file, an empty glob, and sources outside the context", async () => {
    expect(await fails(`FROM ${B}\nCOPY nosuch.txt /\n`)).toMatch(/file not found in build context: stat nosuch\.txt/);
    expect(await fails(`FROM ${B}\nCOPY *.nothing /\n`)).toMatch(/no source files were specified/);
    expect(await fails(`FROM ${B}\nCOPY ../../etc/passwd /\n`)).toMatch(/forbidden path outside the build context: \.\.\/\.\.\/etc\/passwd/);
  });

  it("a --from naming neither a stage nor an image, and a stage referring to a later one", async () => {
    expect(await fails(`FROM ${B}\nCOPY --from=nosuch /x /x\n`)).toMatch(/COPY --from=nosuch: no build stage and no image named "nosuch"/);
    expect(await fails(`FROM ${B} AS a\nCOPY --from=b /x /x\nFROM ${B} AS b\nCOPY --from=a /y /y\n`)).toMatch(/circular dependency/);
  });

  it("an unknown --target, an unknown base image, a remote ADD, an unsupported platform", async () => {
    expect(await fails(`FROM ${B}\n`, {}, ["--target", "nope"])).toMatch(/failed to reach build target nope/);
    expect(await fails("FROM nosuch-image:1\n")).toMatch(/FROM nosuch-image:1: No such image/);
    expect(await fails(`FROM ${B}\nADD https://example.com/x.tgz /\n`)).toMatch(/cannot download from a URL: this engine works offline/);
    expect(await fails(`FROM --platform=linux/arm64 ${B}\n`)).toMatch(/linux\/arm64" is not supported/);
  });

  it("a hostile context tar: the build fails and nothing is written outside its scratch directory", async () => {
    const victim = join(engine.dir, "escaped");
    const tar = await tarOf([
      { name: "Dockerfile", content: `FROM ${B}\nCOPY . /\n` },
      { name: `../../../../../../../..${victim}`, content: "pwned" },
    ]);
    const r = await engine.request("POST", "/v1.41/build?t=hostile", {
      body: tar, headers: { "Content-Type": "application/x-tar" },
    });
    expect(r.status).toBe(200);
    const last = JSON.parse(r.text.trim().split("\n").at(-1) as string) as { error?: string };
    expect(last.error).toMatch(/build context/);
    expect(existsSync(victim)).toBe(false);
    expect((await engine.docker(["images", "-q", "hostile"])).stdout).toBe("");
  });

  it("malformed query options are a 400 before any build", async () => {
    const r = await engine.request("POST", "/v1.41/build?buildargs=%7Bnot-json", { body: Buffer.alloc(0) });
    expect(r.status).toBe(400);
    expect(r.text).toMatch(/invalid buildargs/);
  });
});
