/**
 * Health check configuration (`Config.Healthcheck`, from `--health-*` or the image's HEALTHCHECK): the container's
 * settings override the image's field by field, as dockerd merges them, and are checked at create.
 *
 * `Test` is `["NONE"]` (no check), `["CMD", argv…]` (run directly) or `["CMD-SHELL", "command"]` (run with the
 * container's shell, `/bin/sh -c`); durations are nanoseconds, 0 meaning the default.
 */
import { invalidArgument } from "../errors.js";

export interface Healthcheck {
  Test?: string[] | null;
  Interval?: number;
  Timeout?: number;
  StartPeriod?: number;
  Retries?: number;
}

export const DEFAULT_INTERVAL_MS = 30_000;
export const DEFAULT_TIMEOUT_MS = 30_000;
export const DEFAULT_RETRIES = 3;
const MIN_DURATION_NS = 1_000_000;

function check(raw: unknown, where: string): Healthcheck | null {
  if (raw === undefined || raw === null) return null;
  if (typeof raw !== "object" || Array.isArray(raw)) throw invalidArgument(`${where} must be an object`);
  const h = raw as Record<string, unknown>;
  if (h.Test !== undefined && h.Test !== null
    && (!Array.isArray(h.Test) || !h.Test.every((t) => typeof t === "string"))) {
    throw invalidArgument(`${where}.Test must be a list of strings`);
  }
  for (const k of ["Interval", "Timeout", "StartPeriod", "Retries"]) {
    const v = h[k];
    if (v !== undefined && v !== null && (typeof v !== "number" || !Number.isInteger(v))) {
      throw invalidArgument(`${where}.${k} must be an integer`);
    }
  }
  return h as Healthcheck;
}

/** The container's health check: its own settings over the image's; null when neither has one. */
export function mergeHealthcheck(user: unknown, image: unknown): Healthcheck | null {
  const u = check(user, "Healthcheck");
  const i = check(image, "image Healthcheck");
  if (!u && !i) return null;
  const out: Healthcheck = { ...(i ?? {}), ...(u ?? {}) };
  if (u && i) {
    if (!u.Test || u.Test.length === 0) out.Test = i.Test ?? null;
    if (!u.Interval) out.Interval = i.Interval ?? 0;
    if (!u.Timeout) out.Timeout = i.Timeout ?? 0;
    if (!u.StartPeriod) out.StartPeriod = i.StartPeriod ?? 0;
    if (!u.Retries) out.Retries = i.Retries ?? 0;
  }
  for (const k of ["Interval", "Timeout", "StartPeriod"] as const) {
    const v = out[k] ?? 0;
    if (v !== 0 && v < MIN_DURATION_NS) throw invalidArgument(`${k} in Healthcheck cannot be less than 1ms`);
  }
  if ((out.Retries ?? 0) < 0) throw invalidArgument("Retries in Healthcheck cannot be negative");
  return out;
}

export interface HealthProbe {
  /** the command run inside the container */
  cmd: string[];
  intervalMs: number;
  timeoutMs: number;
  startPeriodMs: number;
  retries: number;
}

/** What to run and how often; null when the container has no (or a disabled, or an unknown kind of) check. */
export function probeOf(h: Healthcheck | null | undefined, shell: string[] | null | undefined): HealthProbe | null {
  const test = h?.Test;
  if (!h || !test || test.length === 0) return null;
  let cmd: string[];
  if (test[0] === "CMD") cmd = test.slice(1);
  else if (test[0] === "CMD-SHELL") cmd = [...(shell && shell.length > 0 ? shell : ["/bin/sh", "-c"]), test.slice(1).join(" ")];
  else return null; // "NONE", or a kind dockerd ignores with a warning
  if (cmd.length === 0) return null;
  const ms = (ns: number | undefined, dflt: number): number => (ns && ns > 0 ? Math.max(1, Math.round(ns / 1e6)) : dflt);
  return {
    cmd,
    intervalMs: ms(h.Interval, DEFAULT_INTERVAL_MS),
    timeoutMs: ms(h.Timeout, DEFAULT_TIMEOUT_MS),
    startPeriodMs: ms(h.StartPeriod, 0),
    retries: h.Retries && h.Retries > 0 ? h.Retries : DEFAULT_RETRIES,
  };
}
