/**
 * The second pass: each logical line becomes an {@link Instruction} — its keyword, its `--flags`, and its arguments
 * in shell form (a string) or exec form (a JSON array of strings). What an instruction means is the builder's
 * business (build/steps/*); here only the shape is checked, so a Dockerfile with an unknown instruction or a
 * malformed flag is refused before anything runs, with its line number.
 */
import { invalidArgument } from "../../errors.js";
import { lex, type Heredoc, type LexResult } from "./lexer.js";

export const KEYWORDS = [
  "FROM", "ARG", "ENV", "LABEL", "RUN", "COPY", "ADD", "WORKDIR", "USER", "CMD", "ENTRYPOINT", "EXPOSE", "VOLUME",
  "HEALTHCHECK", "STOPSIGNAL", "ONBUILD", "MAINTAINER", "SHELL",
] as const;
export type Keyword = (typeof KEYWORDS)[number];

/** Flags each instruction accepts (anything else is a parse error, as with Docker). */
const FLAGS: Partial<Record<Keyword, string[]>> = {
  FROM: ["platform"],
  COPY: ["from", "chown", "chmod", "link", "parents", "exclude"],
  ADD: ["chown", "chmod", "link", "checksum", "keep-git-dir", "exclude"],
  RUN: ["mount", "network", "security"],
  HEALTHCHECK: ["interval", "timeout", "start-period", "start-interval", "retries"],
};

export interface Instruction {
  keyword: Keyword;
  /** 1-based line of the Dockerfile where it starts */
  line: number;
  /** the instruction as written (continuations joined), for "Step n/m : …" */
  original: string;
  flags: Map<string, string>;
  /** the arguments after the flags, in shell form */
  args: string;
  /** the arguments when written as a JSON array (exec form) */
  json?: string[];
  heredocs: Heredoc[];
}

export interface ParsedDockerfile extends LexResult {
  instructions: Instruction[];
}

export function parseDockerfile(source: string, file = "Dockerfile"): ParsedDockerfile {
  const lexed = lex(source, file);
  const instructions = lexed.lines.map((l) => parseInstruction(l.text, l.line, l.heredocs, file));
  if (instructions.length === 0) throw invalidArgument(`${file}: the Dockerfile (${file}) cannot be empty`);
  const first = instructions.find((i) => i.keyword !== "ARG");
  if (first && first.keyword !== "FROM") {
    throw invalidArgument(`${file}:${first.line}: no build stage in current context (the first instruction must be FROM, ` +
      `optionally after ARG; found ${first.keyword})`);
  }
  return { ...lexed, instructions };
}

export function parseInstruction(text: string, line: number, heredocs: Heredoc[] = [], file = "Dockerfile"): Instruction {
  const m = /^(\S+)\s*([\s\S]*)$/.exec(text);
  const word = (m?.[1] ?? "").toUpperCase();
  if (!(KEYWORDS as readonly string[]).includes(word)) {
    throw invalidArgument(`dockerfile parse error on line ${line} (${file}): unknown instruction: ${m?.[1] ?? text}`);
  }
  const keyword = word as Keyword;
  let rest = m?.[2] ?? "";
  const flags = new Map<string, string>();
  const allowed = FLAGS[keyword] ?? [];
  if (allowed.length > 0) {
    for (;;) {
      const f = /^--([a-z-]+)(?:=("[^"]*"|\S*))?(?:\s+|$)/.exec(rest);
      if (!f) break;
      const name = f[1] as string;
      if (!allowed.includes(name)) {
        throw invalidArgument(`dockerfile parse error on line ${line} (${file}): unknown flag: --${name}`);
      }
      flags.set(name, (f[2] ?? "true").replace(/^"(.*)"$/, "$1"));
      rest = rest.slice(f[0].length);
    }
  }
  const args = rest.trim();
  const json = parseJsonArray(args);
  const needsArgs = !["RUN", "COPY", "ADD"].includes(keyword) || heredocs.length === 0;
  if (args === "" && needsArgs && keyword !== "HEALTHCHECK") {
    throw invalidArgument(`dockerfile parse error on line ${line} (${file}): ${keyword} requires at least one argument`);
  }
  return { keyword, line, original: text, flags, args, ...(json ? { json } : {}), heredocs };
}

/** An exec-form argument list: a JSON array of strings; anything else is shell form (as Docker decides). */
export function parseJsonArray(args: string): string[] | undefined {
  if (!args.startsWith("[")) return undefined;
  try {
    const v: unknown = JSON.parse(args);
    if (Array.isArray(v) && v.every((s) => typeof s === "string")) return v as string[];
  } catch {
    // not JSON: shell form
  }
  return undefined;
}

/**
 * `key=value` pairs (ENV, LABEL, ARG lists) after substitution has been applied word by word; the legacy one-pair
 * form `ENV key value with spaces` when the first word has no `=`.
 */
export function splitKeyValues(words: string[], rawArgs: string, legacy: boolean): Array<[string, string]> {
  if (words.length === 0) return [];
  if (legacy && !(words[0] as string).includes("=")) {
    const key = words[0] as string;
    const value = rawArgs.trim().slice(rawArgs.trim().indexOf(key) + key.length).trim();
    return [[key, value]];
  }
  return words.map((w) => {
    const eq = w.indexOf("=");
    if (eq <= 0) throw invalidArgument(`syntax error - can't find = in "${w}". Must be of the form: name=value`);
    return [w.slice(0, eq), w.slice(eq + 1)];
  });
}
