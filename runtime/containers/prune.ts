/**
 * `container prune`: removes every container that is not running (paused ones are running), narrowed by Docker's
 * filters `until` (created before: a Unix timestamp, an RFC 3339 time, or a Go duration before now such as `10m` or
 * `1h30m`) and `label` / `label!` (`key` or `key=value`).
 */
import { invalidArgument, isKind } from "../errors.js";
import { isRunning, type ContainerRecord } from "./container.js";
import type { ManagerState } from "./manager-state.js";
import { removeContainer } from "./remove.js";

export interface PruneFilters {
  until?: string[];
  label?: string[];
  "label!"?: string[];
}

export interface PruneReport {
  ContainersDeleted: string[] | null;
  SpaceReclaimed: number;
}

const UNITS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Docker's timetypes.GetTimestamp, as ms since the epoch. */
export function untilTime(value: string, now = Date.now()): number {
  if (/^\d+(\.\d+)?$/.test(value)) return Number(value) * 1000;
  if (/^(\d+(\.\d+)?(ns|us|µs|ms|s|m|h))+$/.test(value)) {
    let ms = 0;
    for (const [, n, unit] of value.matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) ms += Number(n) * (UNITS[unit as string] ?? 0);
    return now - ms;
  }
  const t = /^\d{4}-\d\d-\d\d/.test(value) ? Date.parse(value) : Number.NaN;
  if (Number.isNaN(t)) throw invalidArgument(`failed to parse value as time or duration: "${value}"`);
  return t;
}

function hasLabel(rec: ContainerRecord, filter: string): boolean {
  const eq = filter.indexOf("=");
  const k = eq < 0 ? filter : filter.slice(0, eq);
  const labels = rec.config.Labels ?? {};
  return k in labels && (eq < 0 || labels[k] === filter.slice(eq + 1));
}

export async function pruneContainers(m: ManagerState, filters: PruneFilters, sizeOf: (id: string) => Promise<number>):
  Promise<PruneReport> {
  const until = filters.until ?? [];
  if (until.length > 1) throw invalidArgument("more than one until filter specified");
  const before = until.length === 1 ? untilTime(until[0] as string) : undefined;
  const candidates = [...m.registry.all()].map((l) => l.record).filter((rec) =>
    !isRunning(rec) &&
    (before === undefined || Date.parse(rec.created) < before) &&
    (filters.label ?? []).every((l) => hasLabel(rec, l)) &&
    !(filters["label!"] ?? []).some((l) => hasLabel(rec, l)));
  const deleted: string[] = [];
  let reclaimed = 0;
  for (const rec of candidates) {
    const size = await sizeOf(rec.id);
    try {
      await removeContainer(m, rec.id, { force: false });
    } catch (err) {
      // started or removed meanwhile: not ours to prune
      if (isKind(err, "Conflict") || isKind(err, "NotFound")) continue;
      throw err;
    }
    deleted.push(rec.id);
    reclaimed += size;
  }
  return { ContainersDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed };
}
