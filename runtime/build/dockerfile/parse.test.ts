import { describe, expect, it } from "vitest";
import { isKind } from "../../errors.js";
import { parseDockerfile } from "./instructions.js";
import { lex } from "./lexer.js";

const shape = (src: string) => parseDockerfile(src).instructions.map((i) => [i.line, i.keyword, i.args, i.json ?? null]);

describe("Dockerfile lexer and instruction parser", () => {
  it.each([
    ["FROM busybox\nRUN echo hi", [[1, "FROM", "busybox", null], [2, "RUN", "echo hi", null]]],
    ["from busybox\nrun echo hi", [[1, "FROM", "busybox", null], [2, "RUN", "echo hi", null]]],
    ["# comment\n\nFROM busybox\n  # indented comment\nRUN a \\\n  b \\\n# inside\n  c", [[3, "FROM", "busybox", null], [5, "RUN", "a   b   c", null]]],
    ['FROM busybox\nCMD ["echo", "hi"]', [[1, "FROM", "busybox", null], [2, "CMD", '["echo", "hi"]', ["echo", "hi"]]]],
    ["FROM busybox\nCMD [not json", [[1, "FROM", "busybox", null], [2, "CMD", "[not json", null]]],
    ["ARG V=1\nFROM busybox:$V AS base", [[1, "ARG", "V=1", null], [2, "FROM", "busybox:$V AS base", null]]],
  ])("%j", (src, expected) => {
    expect(shape(src)).toEqual(expected);
  });

  it("reads parser directives: escape changes the continuation character; syntax is ignored with a notice", () => {
    const r = lex("# syntax=docker/dockerfile:1\n# escape=`\nFROM busybox\nRUN dir c:\\ `\n  && echo x");
    expect(r.directives).toEqual({ escape: "`", syntax: "docker/dockerfile:1" });
    expect(r.warnings[0]).toMatch(/syntax=docker\/dockerfile:1 is ignored/);
    expect(r.lines.map((l) => l.text)).toEqual(["FROM busybox", "RUN dir c:\\   && echo x"]);
  });

  it("treats a directive after a comment or an instruction as a comment", () => {
    expect(lex("# hello\n# escape=`\nFROM x").directives.escape).toBe("\\");
    expect(lex("FROM x\n# escape=`\nRUN a").directives.escape).toBe("\\");
  });

  it("reads heredocs for RUN and COPY, with <<- stripping tabs and quoted delimiters", () => {
    const src = "FROM busybox\nRUN <<EOF\necho one\necho two\nEOF\nCOPY <<-\"END\" /x.txt\n\tindented $X\n\tEND\nRUN true";
    const ins = parseDockerfile(src).instructions;
    expect(ins.map((i) => [i.line, i.keyword])).toEqual([[1, "FROM"], [2, "RUN"], [6, "COPY"], [9, "RUN"]]);
    expect(ins[1]?.heredocs).toEqual([{ name: "EOF", body: "echo one\necho two\n", chomp: false, quoted: false }]);
    expect(ins[2]?.heredocs).toEqual([{ name: "END", body: "indented $X\n", chomp: true, quoted: true }]);
  });

  it("parses flags of FROM, COPY, RUN and HEALTHCHECK", () => {
    const ins = parseDockerfile("FROM --platform=linux/amd64 busybox AS b\nCOPY --from=b --chown=1:2 --chmod=755 /a /b\n" +
      "HEALTHCHECK --interval=5s --retries=3 CMD true").instructions;
    expect([...(ins[0]?.flags ?? [])]).toEqual([["platform", "linux/amd64"]]);
    expect([...(ins[1]?.flags ?? [])]).toEqual([["from", "b"], ["chown", "1:2"], ["chmod", "755"]]);
    expect(ins[1]?.args).toBe("/a /b");
    expect([...(ins[2]?.flags ?? [])]).toEqual([["interval", "5s"], ["retries", "3"]]);
  });

  it.each([
    ["FROM busybox\nFOO bar", /line 2.*unknown instruction: FOO/],
    ["FROM busybox\nCOPY --frm=x a b", /line 2.*unknown flag: --frm/],
    ["RUN echo", /first instruction must be FROM/],
    ["", /cannot be empty/],
    ["# escape=x\nFROM busybox", /invalid escape token/],
    ["FROM busybox\nRUN <<EOF\necho", /unterminated heredoc EOF/],
    ["FROM busybox\nENV", /ENV requires at least one argument/],
  ])("refuses %j", (src, message) => {
    let err: unknown;
    try {
      parseDockerfile(src);
    } catch (e) {
      err = e;
    }
    expect(isKind(err, "InvalidArgument")).toBe(true);
    expect((err as Error).message).toMatch(message);
  });
});
