/**
 * How big a build context may be: HAKO_BUILD_CONTEXT_LIMIT, in bytes or with a binary unit (`512m`, `2g`, `64MiB`),
 * default 512 MiB. It bounds both what is uploaded and the plain tar it becomes (a small zip or gzip can unpack to a
 * large context), and is checked again when a build starts.
 */
export const DEFAULT_CONTEXT_LIMIT = 512 * 1024 * 1024;

const units: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

export function parseContextLimit(text: string): number | null {
  const match = /^\s*(\d+)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!match) return null;
  const bytes = Number(match[1]) * (units[(match[2] ?? "").toLowerCase()] ?? 1);
  return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
}

/** The configured limit; a value that does not parse falls back to the default, saying so once. */
export function buildContextLimit(env: Readonly<Record<string, string | undefined>> = process.env): number {
  const raw = env.HAKO_BUILD_CONTEXT_LIMIT;
  if (!raw) return DEFAULT_CONTEXT_LIMIT;
  const parsed = parseContextLimit(raw);
  if (parsed === null) {
    warnOnce(`HAKO_BUILD_CONTEXT_LIMIT=${raw} is not a size (e.g. 512m, 2g); using 512 MiB`);
    return DEFAULT_CONTEXT_LIMIT;
  }
  return parsed;
}

/** "512 MiB" — limits are configured in binary units, so they are said in them. */
export function limitText(bytes: number): string {
  for (const [unit, size] of [["GiB", 1024 ** 3], ["MiB", 1024 ** 2], ["KiB", 1024]] as const) {
    if (bytes >= size) return `${Number((bytes / size).toFixed(1))} ${unit}`;
  }
  return `${bytes} bytes`;
}

let warned = false;
function warnOnce(message: string): void {
  if (warned) return;
  warned = true;
  console.warn(message);
}
