/**
 * The first pass over a Dockerfile: parser directives, comments, line continuations and heredocs, giving one
 * **logical line** per instruction (reference.md, "Format", "Parser directives", "Here-Documents").
 *
 * - A parser directive is `# key=value` before anything else (no blank line, comment or instruction may come first);
 *   `escape` (`\` or `` ` ``) and `syntax` (accepted, ignored with a notice: there is only this frontend) are known,
 *   `check` is accepted too. Anything else after `#` is an ordinary comment and ends the directives.
 * - A line ending in the escape character continues on the next; comment lines and blank lines inside a continuation
 *   are dropped.
 * - `<<EOF` / `<<-EOF` / `<<"EOF"` in a RUN, COPY or ADD line starts a heredoc: the following physical lines up to a
 *   line equal to the delimiter are its body (`-` strips leading tabs; a quoted delimiter disables expansion).
 */
import { invalidArgument } from "../../errors.js";

export interface Heredoc {
  name: string;
  body: string;
  /** `<<-`: leading tabs were stripped */
  chomp: boolean;
  /** the delimiter was quoted: no variable expansion in the body */
  quoted: boolean;
}

export interface LogicalLine {
  /** 1-based line number where the instruction starts */
  line: number;
  /** the instruction text with continuations joined (escape + newline removed) */
  text: string;
  heredocs: Heredoc[];
}

export interface Directives {
  escape: string;
  syntax?: string;
}

export interface LexResult {
  directives: Directives;
  lines: LogicalLine[];
  /** notices for the user (the ignored syntax directive, empty continuation lines) */
  warnings: string[];
}

const DIRECTIVE = /^#\s*([a-zA-Z][a-zA-Z0-9]*)\s*=\s*(.+?)\s*$/;
const HEREDOC_INSTRUCTIONS = new Set(["RUN", "COPY", "ADD"]);
const HEREDOC_TOKEN = /<<(-?)(["']?)([A-Za-z_][A-Za-z0-9_]*)\2/g;

export function lex(source: string, file = "Dockerfile"): LexResult {
  const physical = source.replace(/^\uFEFF/, "").split(/\r?\n/);
  const directives: Directives = { escape: "\\" };
  const warnings: string[] = [];
  let i = 0;
  const seen = new Set<string>();
  for (; i < physical.length; i++) {
    const m = DIRECTIVE.exec(physical[i] as string);
    if (!m) break;
    const key = (m[1] as string).toLowerCase();
    const value = m[2] as string;
    if (!["escape", "syntax", "check"].includes(key)) break;
    if (seen.has(key)) throw invalidArgument(`${file}:${i + 1}: only one ${key} parser directive can be used`);
    seen.add(key);
    if (key === "escape") {
      if (value !== "\\" && value !== "`") {
        throw invalidArgument(`${file}:${i + 1}: invalid escape token '${value}' does not validate: must be \` or \\`);
      }
      directives.escape = value;
    } else if (key === "syntax") {
      directives.syntax = value;
      warnings.push(`# syntax=${value} is ignored: hakod builds with its own Dockerfile frontend`);
    }
  }
  const esc = directives.escape;
  const lines: LogicalLine[] = [];
  while (i < physical.length) {
    const raw = physical[i] as string;
    const trimmed = raw.trim();
    if (trimmed === "" || trimmed.startsWith("#")) {
      i++;
      continue;
    }
    const start = i + 1;
    let text = "";
    let current = raw.replace(/^\s+/, "");
    i++;
    for (;;) {
      const t = current.replace(/\s+$/, "");
      if (!t.endsWith(esc)) {
        text += current;
        break;
      }
      text += t.slice(0, -1);
      // continue with the next physical line, skipping comments and blank lines
      while (i < physical.length) {
        const next = physical[i] as string;
        if (next.trim().startsWith("#")) {
          i++;
          continue;
        }
        if (next.trim() === "") {
          warnings.push(`${file}:${i + 1}: empty continuation line`);
          i++;
          continue;
        }
        break;
      }
      if (i >= physical.length) break;
      current = physical[i] as string;
      i++;
    }
    const heredocs: Heredoc[] = [];
    const keyword = (/^\S+/.exec(text)?.[0] ?? "").toUpperCase();
    const onbuildInner = keyword === "ONBUILD" ? (/^\S+\s+(\S+)/.exec(text)?.[1] ?? "").toUpperCase() : "";
    if (HEREDOC_INSTRUCTIONS.has(keyword) || HEREDOC_INSTRUCTIONS.has(onbuildInner)) {
      for (const m of text.matchAll(HEREDOC_TOKEN)) {
        const chomp = m[1] === "-";
        const name = m[3] as string;
        const body: string[] = [];
        let closed = false;
        while (i < physical.length) {
          const l = physical[i] as string;
          i++;
          const cmp = chomp ? l.replace(/^\t+/, "") : l;
          if (cmp === name) {
            closed = true;
            break;
          }
          body.push(cmp);
        }
        if (!closed) throw invalidArgument(`${file}:${start}: unterminated heredoc ${name}`);
        heredocs.push({ name, body: body.length ? `${body.join("\n")}\n` : "", chomp, quoted: m[2] !== "" });
      }
    }
    lines.push({ line: start, text: text.trim(), heredocs });
  }
  return { directives, lines, warnings };
}
