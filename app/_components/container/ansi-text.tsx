/**
 * A log line's styled text: segments from the ANSI parser (app/_lib/ansi.ts) as spans with inline styles built from
 * the parser's numbers and palette names, search matches as <mark>. Text is always a React text child, never HTML.
 */
import type { CSSProperties } from "react";
import type { AnsiSegment, AnsiStyle } from "../../_lib/ansi";
import { highlight } from "../../_lib/highlight";

const DEFAULT_FG = "#d4d4d8";
const DEFAULT_BG = "#09090b";

function cssOf(style: AnsiStyle): CSSProperties | undefined {
  if (Object.keys(style).length === 0) return undefined;
  const fg = style.inverse ? (style.bg ?? DEFAULT_BG) : style.fg;
  const bg = style.inverse ? (style.fg ?? DEFAULT_FG) : style.bg;
  const decorations = [style.underline && "underline", style.strike && "line-through"].filter(Boolean).join(" ");
  return {
    color: fg,
    backgroundColor: bg,
    fontWeight: style.bold ? 700 : undefined,
    opacity: style.dim ? 0.7 : undefined,
    fontStyle: style.italic ? "italic" : undefined,
    textDecoration: decorations || undefined,
  };
}

export function AnsiText({ segments, query }: { segments: AnsiSegment[]; query: string }) {
  return (
    <>
      {highlight(segments, query).map((piece, i) =>
        piece.match ? (
          <mark key={i} style={cssOf(piece.style)} className="rounded-sm bg-yellow-300 text-zinc-950">
            {piece.text}
          </mark>
        ) : (
          <span key={i} style={cssOf(piece.style)}>
            {piece.text}
          </span>
        ),
      )}
    </>
  );
}
