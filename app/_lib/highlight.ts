/**
 * Search highlighting over styled segments: matches are found in the line's plain text (so a match may span colour
 * changes) and each segment is cut where a match starts or ends. Case-insensitive, literal (not a regex).
 */
import type { AnsiSegment, AnsiStyle } from "./ansi";

export interface HighlightedPiece {
  text: string;
  style: AnsiStyle;
  match: boolean;
}

/** [start, end) ranges of `query` in `text`, non-overlapping, left to right. */
export function matchRanges(text: string, query: string): [number, number][] {
  if (!query) return [];
  const haystack = text.toLowerCase();
  const needle = query.toLowerCase();
  const ranges: [number, number][] = [];
  for (let at = haystack.indexOf(needle); at >= 0; at = haystack.indexOf(needle, at + needle.length)) {
    ranges.push([at, at + needle.length]);
  }
  return ranges;
}

export function highlight(segments: AnsiSegment[], query: string): HighlightedPiece[] {
  const ranges = matchRanges(segments.map((s) => s.text).join(""), query);
  if (ranges.length === 0) return segments.map((s) => ({ ...s, match: false }));
  const pieces: HighlightedPiece[] = [];
  let offset = 0; // of the current segment in the line
  let r = 0;
  for (const segment of segments) {
    const end = offset + segment.text.length;
    let at = offset;
    while (at < end) {
      while (r < ranges.length && (ranges[r] as [number, number])[1] <= at) r++;
      const range = ranges[r];
      if (!range || range[0] >= end) {
        pieces.push({ text: segment.text.slice(at - offset), style: segment.style, match: false });
        break;
      }
      if (range[0] > at) {
        pieces.push({ text: segment.text.slice(at - offset, range[0] - offset), style: segment.style, match: false });
        at = range[0];
      }
      const stop = Math.min(range[1], end);
      pieces.push({ text: segment.text.slice(at - offset, stop - offset), style: segment.style, match: true });
      at = stop;
    }
    offset = end;
  }
  return pieces;
}
