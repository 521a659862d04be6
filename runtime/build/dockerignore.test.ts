import { describe, expect, it } from "vitest";
import { isIgnored, parseDockerignore } from "./dockerignore.js";

describe(".dockerignore", () => {
  const rules = parseDockerignore([
    "# comment",
    "*.log",
    "/tmp",
    "**/node_modules",
    "docs/**/*.md",
    "!docs/keep.md",
    "secret?",
    "build",
    "!build/out",
    "",
  ].join("\n"));

  it.each([
    ["app.log", true],
    ["sub/app.log", false], // "*" does not cross "/"
    ["tmp", true],
    ["tmp/x/y", true], // a parent directory matches
    ["node_modules/a.js", true],
    ["deep/er/node_modules/a.js", true],
    ["docs/a/b/c.md", true],
    ["docs/c.md", true], // "**/" matches zero directories
    ["docs/keep.md", false], // a later "!" re-includes
    ["secret1", true],
    ["secret12", false],
    ["build/tmp.o", true],
    ["build/out", false],
    ["build/out/bin", false],
    ["src/main.ts", false],
    ["./app.log", true],
  ])("%s ignored: %s", (path, ignored) => {
    expect(isIgnored(rules, path)).toBe(ignored);
  });

  it("lets the last matching pattern decide", () => {
    expect(isIgnored(parseDockerignore("!a.txt\n*.txt"), "a.txt")).toBe(true);
    expect(isIgnored(parseDockerignore("*.txt\n!a.txt"), "a.txt")).toBe(false);
  });
});
