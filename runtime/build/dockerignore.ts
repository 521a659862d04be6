/**
 * `.dockerignore`: which files of the build context the builder must not see (reference.md, ".dockerignore file").
 *
 * One pattern per line; `#` lines are comments; each pattern is cleaned like a path (leading `/` and `./` dropped).
 * `*` and `?` match within one path element, `**` any number of elements, `[…]` a character class. A pattern
 * matches a path or any of its parent directories. `!pattern` re-includes; the **last** matching pattern decides.
 */
export interface IgnoreRule {
  pattern: string;
  exclusion: boolean;
  regex: RegExp;
}

export function parseDockerignore(text: string): IgnoreRule[] {
  const rules: IgnoreRule[] = [];
  for (const raw of text.split(/\r?\n/)) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    let exclusion = false;
    if (line.startsWith("!")) {
      exclusion = true;
      line = line.slice(1).trim();
    }
    const pattern = cleanPath(line);
    if (pattern === "") continue;
    rules.push({ pattern, exclusion, regex: globToRegex(pattern) });
  }
  return rules;
}

/** Whether a context path (relative, "/"-separated) is ignored by the rules. */
export function isIgnored(rules: readonly IgnoreRule[], path: string): boolean {
  const p = cleanPath(path);
  if (p === "") return false;
  const parents = p.split("/").map((_, i, parts) => parts.slice(0, i + 1).join("/"));
  let ignored = false;
  for (const rule of rules) {
    // a pattern matches the path itself or one of its parent directories
    if (parents.some((candidate) => rule.regex.test(candidate))) ignored = !rule.exclusion;
  }
  return ignored;
}

/**
 * Whether a directory may hold re-included files, so a walk must still descend into an ignored directory
 * (`dir` ignored, `!dir/keep` re-included).
 */
export function mayReinclude(rules: readonly IgnoreRule[], dir: string): boolean {
  const d = cleanPath(dir);
  return rules.some((r) => r.exclusion && (r.pattern.startsWith(`${d}/`) || r.pattern.includes("*")));
}

function cleanPath(p: string): string {
  const parts: string[] = [];
  for (const part of p.replace(/\\/g, "/").split("/")) {
    if (part === "" || part === ".") continue;
    if (part === "..") parts.pop();
    else parts.push(part);
  }
  return parts.join("/");
}

function globToRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") {
      if (pattern[i + 1] === "*") {
        // "**/" matches zero or more directories; a trailing "**" anything below
        i++;
        if (pattern[i + 1] === "/") {
          i++;
          re += "(?:.*/)?";
        } else {
          re += ".*";
        }
      } else {
        re += "[^/]*";
      }
    } else if (ch === "?") {
      re += "[^/]";
    } else if (ch === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) {
        re += "\\[";
      } else {
        re += `[${pattern.slice(i + 1, end).replace(/^!/, "^").replace(/\\/g, "\\\\")}]`;
        i = end;
      }
    } else if (ch === "\\" && i + 1 < pattern.length) {
      re += `\\${pattern[++i]}`;
    } else {
      re += ch.replace(/[.+^${}()|]/g, "\\$&");
    }
  }
  return new RegExp(`^${re}$`);
}
