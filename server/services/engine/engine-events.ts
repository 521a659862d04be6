/**
 * The engine's event stream (`GET /events`) for the dashboard: the last hour first, then live. Events are resumed
 * after the last one a reconnecting browser saw (by `timeNano`), so a dropped connection neither loses nor repeats any.
 */
import { engineCall, type Engine } from "../../engine/client";
import { chunksOf, jsonDocumentsOf } from "../../engine/streams";

export const RECENT_SECONDS = 3600;

export interface EngineEvent {
  /** `timeNano` as a decimal string: unique enough to resume after, and ordered */
  cursor: string;
  time: string;
  /** container, image, volume, network, daemon … */
  type: string;
  /** create, start, die, health_status: healthy … */
  action: string;
  actorId: string;
  /** the object's name when the engine says it (attributes.name), else a short ID */
  actorName: string;
  attributes: Record<string, string>;
}

interface RawEvent {
  Type?: string;
  Action?: string;
  status?: string;
  id?: string;
  Actor?: { ID?: string; Attributes?: Record<string, string> };
  time?: number;
  /** nanoseconds: more digits than a double holds, so read as text (see quoteTimeNano) */
  timeNano?: number | string;
}

/** `"timeNano":1700000000123456789` → `"timeNano":"1700000000123456789"` before parsing, to keep every digit. */
export function quoteTimeNano(line: string): string {
  return line.replace(/"timeNano":\s*(\d+)/, '"timeNano":"$1"');
}

export async function* engineEvents(target: Engine, after: string | undefined, signal?: AbortSignal): AsyncGenerator<EngineEvent> {
  const afterNano = after && /^\d+$/.test(after) ? BigInt(after) : null;
  const since = afterNano !== null ? `${afterNano / 1_000_000_000n}` : String(Math.floor(Date.now() / 1000) - RECENT_SECONDS);
  const stream = await engineCall(target, (docker) => docker.getEvents({ since: since as unknown as number }), { patient: true });
  for await (const raw of jsonDocumentsOf<RawEvent>(chunksOf(target, stream, signal), quoteTimeNano)) {
    const event = toEvent(raw);
    if (afterNano !== null && BigInt(event.cursor) <= afterNano) continue;
    yield event;
  }
}

export function toEvent(raw: RawEvent): EngineEvent {
  const nano = /^\d+$/.test(String(raw.timeNano ?? ""))
    ? BigInt(String(raw.timeNano))
    : BigInt(Math.trunc(raw.time ?? Date.now() / 1000)) * 1_000_000_000n;
  const attributes = raw.Actor?.Attributes ?? {};
  const actorId = raw.Actor?.ID ?? raw.id ?? "";
  return {
    cursor: nano.toString(),
    time: new Date(Number(nano / 1_000_000n)).toISOString(),
    type: raw.Type ?? "container",
    action: raw.Action ?? raw.status ?? "",
    actorId,
    actorName: attributes.name ?? actorId.replace(/^sha256:/, "").slice(0, 12),
    attributes,
  };
}
