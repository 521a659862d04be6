/**
 * Engine events: what happened to which object, as `docker events` shows it.
 *
 * Terms (Docker's `events.Message`):
 * - **type**: the kind of object (`container`, `image`, `volume`, `network`, `daemon`, …);
 * - **action**: what happened, in Docker's words: `create`, `start`, `die`, `kill`, `stop`, `destroy`, `attach`,
 *   `rename`, `pause`, `unpause`, `restart`, `resize`, `update`, `oom`; `exec_create: <cmd>`, `exec_start: <cmd>`,
 *   `exec_die`, `health_status: healthy` (the part before ": " is what `--filter event=` matches); for images
 *   `load`, `pull`, `push`, `tag`, `untag`, `delete`, `import`, `save`; for volumes and networks `create`, `mount`,
 *   `unmount`, `destroy`, `connect`, `disconnect`, `prune`;
 * - **actor**: the object: `id` (a container or image ID, a volume or network name) and string `attributes`
 *   (`name`, `image`, labels, `exitCode`, `signal`, …) that filters match and the CLI prints;
 * - **time**: nanoseconds since the epoch, assigned by the bus, strictly increasing (two events never share a time,
 *   so "everything up to time T" is exact).
 *
 * Lifecycle: an event is published once, at the moment the change is acknowledged; the bus writes it to the
 * journal (the data root's `events.log`, so `since` reaches back over restarts), keeps it in a bounded in-memory
 * history and hands it to every subscriber, all before `publish` returns.
 */

export type EventType =
  | "container" | "image" | "volume" | "network" | "daemon" | "plugin" | "builder" | "node" | "service"
  | "secret" | "config";

export const EVENT_TYPES: readonly EventType[] = [
  "container", "image", "volume", "network", "daemon", "plugin", "builder", "node", "service", "secret", "config",
];

export interface EventActor {
  id: string;
  attributes: Record<string, string>;
}

/** What a publisher says. */
export interface EventInput {
  type: EventType;
  action: string;
  actor: EventActor;
}

/** A published event. */
export interface EngineEvent extends EventInput {
  scope: "local";
  /** nanoseconds since the epoch */
  timeNs: bigint;
  /** Docker's `events.Message` as one line of JSON, as the API sends it (legacy status/id/from included) */
  json: string;
}

/** The side of the bus that subsystems use: `events.publish({type, action, actor: {id, attributes}})`. */
export interface EventPublisher {
  publish(event: EventInput): EngineEvent;
}

/** Docker's JSON for an event, with `timeNano` exact (it exceeds 2^53). */
export function eventJson(e: EventInput, timeNs: bigint): string {
  const legacy: Record<string, string> = {};
  if (e.type === "container" || e.type === "image") {
    legacy.status = e.action;
    legacy.id = e.actor.id;
    const from = e.type === "container" ? e.actor.attributes.image : undefined;
    if (from) legacy.from = from;
  }
  const msg = {
    ...legacy,
    Type: e.type,
    Action: e.action,
    Actor: { ID: e.actor.id, Attributes: e.actor.attributes },
    scope: "local",
    time: Number(timeNs / 1_000_000_000n),
  };
  return `${JSON.stringify(msg).slice(0, -1)},"timeNano":${timeNs}}`;
}

/** Reads back a line written by {@link eventJson}; null when it is not one (a torn last line). */
export function parseEventJson(line: string): EngineEvent | null {
  const nano = /"timeNano":(\d+)\}$/.exec(line);
  if (!nano) return null;
  try {
    const m = JSON.parse(line) as { Type?: unknown; Action?: unknown; Actor?: { ID?: unknown; Attributes?: unknown } };
    if (typeof m.Type !== "string" || typeof m.Action !== "string" || typeof m.Actor?.ID !== "string") return null;
    const attributes = (m.Actor.Attributes && typeof m.Actor.Attributes === "object" ? m.Actor.Attributes : {}) as
      Record<string, string>;
    return {
      type: m.Type as EventType,
      action: m.Action,
      actor: { id: m.Actor.ID, attributes },
      scope: "local",
      timeNs: BigInt(nano[1] as string),
      json: line,
    };
  } catch {
    return null;
  }
}
