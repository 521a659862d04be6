/** Keystrokes as readable text: Enter as ⏎, other control characters in caret notation (^C), escape sequences as ESC. */
export function visibleKeys(data: string): string {
  let out = "";
  for (const ch of data) {
    const code = ch.codePointAt(0)!;
    if (ch === "\r" || ch === "\n") out += "⏎";
    else if (ch === "\t") out += "⇥";
    else if (code === 0x1b) out += "ESC";
    else if (code === 0x7f) out += "⌫";
    else if (code < 0x20) out += `^${String.fromCharCode(code + 0x40)}`;
    else out += ch;
  }
  return out;
}

/** Keystrokes grouped into the lines they typed (a line ends at Enter), each with the time its first key was pressed. */
export function typedLines(events: readonly (readonly [number, string, string])[]): { time: number; text: string }[] {
  const lines: { time: number; text: string }[] = [];
  let open: { time: number; text: string } | null = null;
  for (const [time, code, data] of events) {
    if (code !== "i") continue;
    for (const ch of data) {
      open ??= { time, text: "" };
      open.text += visibleKeys(ch);
      if (ch === "\r" || ch === "\n") {
        lines.push(open);
        open = null;
      }
    }
  }
  if (open) lines.push(open);
  return lines;
}
