/**
 * Numbers and times as people read them, with the exact value kept for a tooltip. Sizes use decimal units (kB, MB, GB)
 * like the docker CLI, so the page and `docker images` agree.
 */

const sizeUnits = ["B", "kB", "MB", "GB", "TB", "PB"];

export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return "—";
  let value = bytes;
  let unit = 0;
  while (value >= 1000 && unit < sizeUnits.length - 1) {
    value /= 1000;
    unit += 1;
  }
  const digits = unit === 0 || value >= 100 ? 0 : value >= 10 ? 1 : 2;
  return `${value.toFixed(digits)} ${sizeUnits[unit]}`;
}

export function exactBytes(bytes: number): string {
  return `${bytes.toLocaleString("en-US")} bytes`;
}

const steps: [Intl.RelativeTimeFormatUnit, number][] = [
  ["year", 365 * 24 * 3600],
  ["month", 30 * 24 * 3600],
  ["week", 7 * 24 * 3600],
  ["day", 24 * 3600],
  ["hour", 3600],
  ["minute", 60],
  ["second", 1],
];

const relative = new Intl.RelativeTimeFormat("en", { numeric: "auto" });

/** "2 minutes ago", "now", "in 3 seconds" (clocks disagree a little). */
export function relativeTime(time: Date, now: Date = new Date()): string {
  const seconds = Math.round((time.getTime() - now.getTime()) / 1000);
  if (Math.abs(seconds) < 5) return "just now";
  for (const [unit, size] of steps) {
    if (Math.abs(seconds) >= size) return relative.format(Math.trunc(seconds / size), unit);
  }
  return "just now";
}

/** The tooltip: an unambiguous, sortable timestamp in the viewer's time zone offset-free UTC form. */
export function exactTime(time: Date): string {
  return time.toISOString().replace("T", " ").replace(/\.\d+Z$/, " UTC");
}

/** `sha256:0123456789ab…` → `0123456789ab`, Docker's short form. */
export function shortId(id: string): string {
  return id.replace(/^sha256:/, "").slice(0, 12);
}
