/**
 * Sizes as `docker run --memory` reads them: a number with an optional unit b, k, m, g (binary multiples, so
 * "512m" is 512 MiB), case-insensitive, an optional trailing "b" ("512mb").
 */

const multipliers: Record<string, number> = { "": 1, b: 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3, t: 1024 ** 4 };

/** Bytes, or null when `text` is not a size. */
export function parseSize(text: string): number | null {
  const m = /^(\d+(?:\.\d+)?)\s*([bkmgt]?)b?$/i.exec(text.trim());
  if (!m) return null;
  const bytes = Number(m[1]) * (multipliers[(m[2] ?? "").toLowerCase()] ?? 1);
  return Number.isSafeInteger(Math.floor(bytes)) ? Math.floor(bytes) : null;
}
