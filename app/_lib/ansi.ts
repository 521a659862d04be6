/**
 * A safe reader of ANSI SGR escapes ("\x1b[1;31m") for the log view: text becomes segments with a style made only of
 * numbers and fixed names, which React renders as spans with inline styles. Nothing from the input ever becomes markup
 * or a CSS string; `<script>` stays text. Every other escape (cursor moves, OSC titles and links, lone ESC, C0/C1
 * controls) is dropped. The scan is linear: an escape with a million parameters costs a pass, not a hang.
 */

export interface AnsiStyle {
  /** CSS colours, built here from palette indices or clamped RGB numbers */
  fg?: string;
  bg?: string;
  bold?: boolean;
  dim?: boolean;
  italic?: boolean;
  underline?: boolean;
  strike?: boolean;
  inverse?: boolean;
}

export interface AnsiSegment {
  text: string;
  style: AnsiStyle;
}

/** Parameters past this many are ignored, like terminals do (xterm keeps 30 or so). */
const MAX_PARAMS = 32;

const BASIC = [
  "#1e1e1e", "#f14c4c", "#23d18b", "#f5f543", "#3b8eea", "#d670d6", "#29b8db", "#cccccc",
  "#666666", "#ff6b6b", "#5af78e", "#ffff87", "#6cb6ff", "#ff92df", "#5fd7ff", "#ffffff",
];

/** xterm's 256-colour table: 16 basic, a 6×6×6 cube, 24 greys. */
export function color256(index: number): string | undefined {
  if (!Number.isInteger(index) || index < 0 || index > 255) return undefined;
  if (index < 16) return BASIC[index];
  if (index < 232) {
    const i = index - 16;
    const level = (v: number) => (v === 0 ? 0 : 55 + v * 40);
    return rgb(level(Math.floor(i / 36)), level(Math.floor(i / 6) % 6), level(i % 6));
  }
  const grey = 8 + (index - 232) * 10;
  return rgb(grey, grey, grey);
}

function rgb(r: number, g: number, b: number): string {
  const c = (v: number) => Math.max(0, Math.min(255, Math.trunc(v)));
  return `rgb(${c(r)}, ${c(g)}, ${c(b)})`;
}

export function parseAnsi(input: string): AnsiSegment[] {
  const segments: AnsiSegment[] = [];
  let style: AnsiStyle = {};
  let text = "";
  const flush = () => {
    if (!text) return;
    const last = segments.at(-1);
    if (last && sameStyle(last.style, style)) last.text += text;
    else segments.push({ text, style });
    text = "";
  };

  let i = 0;
  while (i < input.length) {
    const code = input.charCodeAt(i);
    const csi = code === 0x9b || (code === 0x1b && input[i + 1] === "[");
    if (csi) {
      const start = i + (code === 0x9b ? 1 : 2);
      let end = start;
      while (end < input.length && !isFinalByte(input.charCodeAt(end))) end++;
      if (end >= input.length) break; // unterminated: the rest is the escape's, not text
      if (input[end] === "m") {
        flush();
        style = applySgr(style, input.slice(start, Math.min(end, start + MAX_PARAMS * 16)));
      }
      i = end + 1;
    } else if (code === 0x1b && input[i + 1] === "]") {
      i = skipOsc(input, i + 2); // window titles, hyperlinks: dropped
    } else if (code === 0x1b) {
      // ESC ( B and the like: an intermediate byte then a final one; otherwise one byte
      i += 2;
      while (i < input.length && input.charCodeAt(i - 1) >= 0x20 && input.charCodeAt(i - 1) <= 0x2f) i++;
    } else if ((code < 0x20 && code !== 0x09) || (code >= 0x7f && code <= 0x9f)) {
      i++; // other controls (\r, \b, bell, C1) are not text
    } else {
      text += input[i];
      i++;
    }
  }
  flush();
  return segments;
}

function isFinalByte(code: number): boolean {
  return code >= 0x40 && code <= 0x7e;
}

function skipOsc(input: string, from: number): number {
  for (let i = from; i < input.length; i++) {
    if (input.charCodeAt(i) === 0x07) return i + 1;
    if (input.charCodeAt(i) === 0x1b && input[i + 1] === "\\") return i + 2;
  }
  return input.length;
}

function applySgr(current: AnsiStyle, paramText: string): AnsiStyle {
  const params = paramText.split(/[;:]/, MAX_PARAMS).map((p) => (p === "" ? 0 : Number.parseInt(p.slice(0, 9), 10)));
  if (params.length === 0) params.push(0);
  let style: AnsiStyle = { ...current };
  for (let k = 0; k < params.length; k++) {
    const p = params[k] ?? 0;
    if (Number.isNaN(p)) continue;
    if (p === 0) style = {};
    else if (p === 1) style.bold = true;
    else if (p === 2) style.dim = true;
    else if (p === 3) style.italic = true;
    else if (p === 4) style.underline = true;
    else if (p === 7) style.inverse = true;
    else if (p === 9) style.strike = true;
    else if (p === 21 || p === 22) style.bold = style.dim = undefined;
    else if (p === 23) style.italic = undefined;
    else if (p === 24) style.underline = undefined;
    else if (p === 27) style.inverse = undefined;
    else if (p === 29) style.strike = undefined;
    else if (p >= 30 && p <= 37) style.fg = BASIC[p - 30];
    else if (p === 39) style.fg = undefined;
    else if (p >= 40 && p <= 47) style.bg = BASIC[p - 40];
    else if (p === 49) style.bg = undefined;
    else if (p >= 90 && p <= 97) style.fg = BASIC[p - 90 + 8];
    else if (p >= 100 && p <= 107) style.bg = BASIC[p - 100 + 8];
    else if (p === 38 || p === 48) {
      const mode = params[k + 1];
      let color: string | undefined;
      if (mode === 5) {
        color = color256(params[k + 2] ?? -1);
        k += 2;
      } else if (mode === 2) {
        const [r, g, b] = [params[k + 2], params[k + 3], params[k + 4]];
        if ([r, g, b].every((v) => typeof v === "number" && !Number.isNaN(v))) color = rgb(r as number, g as number, b as number);
        k += 4;
      } else {
        k += 1;
      }
      if (p === 38) style.fg = color ?? style.fg;
      else style.bg = color ?? style.bg;
    }
  }
  for (const key of Object.keys(style) as (keyof AnsiStyle)[]) if (style[key] === undefined) delete style[key];
  return style;
}

function sameStyle(a: AnsiStyle, b: AnsiStyle): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof AnsiStyle>;
  for (const key of keys) if (a[key] !== b[key]) return false;
  return true;
}
