/**
 * Docker's `since` / `until` query values (logs, events), as nanoseconds since the epoch.
 *
 * The docker CLI converts what the user typed (`10m`, `2024-01-01`, RFC 3339) itself and sends unix seconds with an
 * optional fraction of up to nine digits (`1700000000`, `1700000000.123456789`); that is the form dockerd reads.
 * Other API clients send other forms, so RFC 3339 (nanoseconds kept), a Go duration taken back from now (`5m`,
 * `1h30m`, `1.5s`) and `now` are accepted too.
 */
import { invalidArgument } from "../errors.js";

const NS_PER_S = 1_000_000_000n;

const DURATION_UNITS: Record<string, number> = { ns: 1, us: 1e3, "µs": 1e3, ms: 1e6, s: 1e9, m: 60e9, h: 3600e9 };

/** 0n means "no bound" (an absent or empty value, or "0"). `nowNs` is for tests. */
export function parseTimestampNs(value: string | null, field: string, nowNs: bigint = wallClockNs()): bigint {
  if (value === null) return 0n;
  const v = value.trim();
  if (v === "" || v === "0") return 0n;
  const unix = /^(\d+)(?:\.(\d+))?$/.exec(v);
  if (unix) return BigInt(unix[1] as string) * NS_PER_S + BigInt((unix[2] ?? "").slice(0, 9).padEnd(9, "0"));
  if (v === "now") return nowNs;
  const duration = parseGoDuration(v);
  if (duration !== null) return nowNs - duration;
  const rfc = parseRfc3339Ns(v);
  if (rfc !== null) return rfc;
  throw invalidArgument(`invalid value for "${field}": failed to parse value as time or duration: "${value}"`);
}

export function wallClockNs(): bigint {
  return BigInt(Date.now()) * 1_000_000n;
}

/** A Go duration ("300ms", "1h30m", "-2m"): nanoseconds, or null when `s` is not one. */
export function parseGoDuration(s: string): bigint | null {
  const m = /^([-+]?)((?:\d+(?:\.\d*)?|\.\d+)(?:ns|us|µs|ms|s|m|h))+$/.exec(s);
  if (!m) return null;
  let total = 0;
  for (const part of s.matchAll(/(\d+(?:\.\d*)?|\.\d+)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(part[1]) * (DURATION_UNITS[part[2] as string] as number);
  }
  const ns = BigInt(Math.round(total));
  return m[1] === "-" ? -ns : ns;
}

/** RFC 3339 with up to nine fraction digits (kept exactly); null when `s` is not RFC 3339. */
export function parseRfc3339Ns(s: string): bigint | null {
  const m = /^(\d{4}-\d\d-\d\d)[Tt ](\d\d:\d\d:\d\d)(?:\.(\d{1,9}))?([Zz]|[+-]\d\d:\d\d)$/.exec(s);
  if (!m) return null;
  const ms = Date.parse(`${m[1]}T${m[2]}${(m[4] as string).toUpperCase()}`);
  if (Number.isNaN(ms)) return null;
  return BigInt(ms) * 1_000_000n + BigInt((m[3] ?? "").padEnd(9, "0"));
}
