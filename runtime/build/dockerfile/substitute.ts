/**
 * Variable substitution in Dockerfile words (reference.md, "Environment replacement"), applied by the builder only to
 * the instructions the reference lists: ADD, COPY, ENV, EXPOSE, FROM, LABEL, STOPSIGNAL, USER, VOLUME, WORKDIR (and
 * ONBUILD's inner instruction when it runs). RUN, CMD and ENTRYPOINT are left to the shell.
 *
 * - `$name` and `${name}`: the value, or "" when unset.
 * - `${name:-word}`: word when name is unset or empty; `${name-word}`: word only when unset.
 * - `${name:+word}`: word when name is set and not empty, else ""; `${name+word}`: word when set (even empty).
 * - `${name:?message}` / `${name?message}`: an error when unset (or empty).
 * - The escape character makes the next character literal (`\$foo` is `$foo`); single quotes suppress expansion,
 *   double quotes group but expand. Quotes are removed from the result.
 * `word` is itself substituted. `$` before anything that cannot start a name stays a `$`.
 */
import { invalidArgument } from "../../errors.js";

export type Vars = ReadonlyMap<string, string>;

interface Options {
  escape: string;
  /** split into words at unquoted white space (ProcessWords); otherwise one word */
  split: boolean;
}

/** One word: quotes removed, variables expanded. */
export function substituteWord(text: string, vars: Vars, escape = "\\"): string {
  return run(text, vars, { escape, split: false })[0] ?? "";
}

/** Several words split at unquoted white space (EXPOSE, VOLUME, COPY sources, key=value lists). */
export function substituteWords(text: string, vars: Vars, escape = "\\"): string[] {
  return run(text, vars, { escape, split: true });
}

/** Names of variables a text refers to (for the cache key: the build args "in use"). */
export function referencedNames(text: string): string[] {
  return [...text.matchAll(/\$\{?([A-Za-z_][A-Za-z0-9_]*)/g)].map((m) => m[1] as string);
}

function run(text: string, vars: Vars, opts: Options): string[] {
  const words: string[] = [];
  let cur = "";
  let inWord = false;
  let i = 0;
  const { escape } = opts;
  while (i < text.length) {
    const ch = text[i] as string;
    if (opts.split && /\s/.test(ch)) {
      if (inWord) words.push(cur);
      cur = "";
      inWord = false;
      i++;
      continue;
    }
    inWord = true;
    if (ch === escape) {
      if (i + 1 < text.length) cur += text[i + 1];
      i += 2;
    } else if (ch === "'") {
      const end = text.indexOf("'", i + 1);
      if (end < 0) throw invalidArgument(`unexpected end of statement while looking for matching single-quote: ${text}`);
      cur += text.slice(i + 1, end);
      i = end + 1;
    } else if (ch === '"') {
      i++;
      let closed = false;
      while (i < text.length) {
        const c = text[i] as string;
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        if (c === escape && i + 1 < text.length && ['"', "$", escape].includes(text[i + 1] as string)) {
          cur += text[i + 1];
          i += 2;
        } else if (c === "$") {
          const [value, next] = variable(text, i, vars, escape);
          cur += value;
          i = next;
        } else {
          cur += c;
          i++;
        }
      }
      if (!closed) throw invalidArgument(`unexpected end of statement while looking for matching double-quote: ${text}`);
    } else if (ch === "$") {
      const [value, next] = variable(text, i, vars, escape);
      cur += value;
      i = next;
    } else {
      cur += ch;
      i++;
    }
  }
  if (inWord || !opts.split) words.push(cur);
  return words;
}

/** Expands the variable at text[i] === "$"; returns the value and the index after it. */
function variable(text: string, i: number, vars: Vars, escape: string): [string, number] {
  const next = text[i + 1];
  if (next === "{") {
    const close = matchingBrace(text, i + 2);
    if (close < 0) throw invalidArgument(`missing '}' in ${text}`);
    return [braced(text.slice(i + 2, close), vars, escape), close + 1];
  }
  const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(text.slice(i + 1));
  if (!m) return ["$", i + 1];
  return [vars.get(m[0]) ?? "", i + 1 + m[0].length];
}

function matchingBrace(text: string, from: number): number {
  let depth = 1;
  for (let j = from; j < text.length; j++) {
    if (text[j] === "{") depth++;
    else if (text[j] === "}" && --depth === 0) return j;
  }
  return -1;
}

function braced(inner: string, vars: Vars, escape: string): string {
  const m = /^([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-+?])([\s\S]*))?$/.exec(inner);
  if (!m) throw invalidArgument(`bad substitution: \${${inner}}`);
  const name = m[1] as string;
  const op = m[2];
  const value = vars.get(name);
  if (!op) return value ?? "";
  const word = (): string => substituteWord(m[3] ?? "", vars, escape);
  const colon = op.startsWith(":");
  const isSet = colon ? value !== undefined && value !== "" : value !== undefined;
  switch (op.replace(":", "")) {
    case "-":
      return isSet ? (value as string) : word();
    case "+":
      return isSet ? word() : "";
    default:
      if (!isSet) throw invalidArgument(`${name}: ${word() || "parameter not set"}`);
      return value as string;
  }
}
