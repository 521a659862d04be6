/**
 * Docker's event filters (`docker events --filter k=v`), matched as dockerd matches them (daemon/events/filter.go):
 * values of one key are alternatives, different keys must all match; `container`, `volume`, `network` and `daemon`
 * match the actor's ID or name by prefix; `image` matches ID or name, with or without the tag; `event` matches the
 * action exactly (`health_status`, `exec_create` and `exec_start` also match their `action: detail` forms);
 * every `label` must be among the attributes.
 */
import { invalidArgument } from "../errors.js";
import { EVENT_TYPES, type EventInput } from "./events.js";

export const EVENT_FILTER_KEYS = [
  "config", "container", "daemon", "event", "image", "label", "network", "node", "plugin", "scope", "secret",
  "service", "type", "volume",
];

export type EventFilter = (e: EventInput) => boolean;

/** Builds the matcher; refuses keys and types Docker does not know (400). */
export function eventFilter(filters: Map<string, string[]>): EventFilter {
  for (const k of filters.keys()) if (!EVENT_FILTER_KEYS.includes(k)) throw invalidArgument(`invalid filter '${k}'`);
  for (const t of filters.get("type") ?? []) {
    if (!(EVENT_TYPES as readonly string[]).includes(t)) throw invalidArgument(`invalid filter 'type=${t}'`);
  }
  for (const s of filters.get("scope") ?? []) {
    if (s !== "local" && s !== "swarm") throw invalidArgument(`invalid filter 'scope=${s}'`);
  }
  const values = (k: string): string[] => filters.get(k) ?? [];
  const exact = (k: string, source: string): boolean => values(k).length === 0 || values(k).includes(source);
  const fuzzy = (k: string, source: string): boolean =>
    values(k).length === 0 || values(k).some((v) => source.startsWith(v));
  const byName = (k: string, type: string) => (e: EventInput): boolean =>
    values(k).length === 0 || (e.type === type && (fuzzy(k, e.actor.id) || fuzzy(k, e.actor.attributes.name ?? "")));

  const matchers: EventFilter[] = [
    (e) => {
      const wanted = values("event");
      if (wanted.length === 0) return true;
      const base = e.action.split(":")[0] as string;
      return wanted.includes(e.action) || wanted.includes(base);
    },
    (e) => exact("type", e.type),
    () => exact("scope", "local"),
    byName("container", "container"),
    byName("volume", "volume"),
    byName("network", "network"),
    byName("daemon", "daemon"),
    byName("plugin", "plugin"),
    byName("node", "node"),
    byName("service", "service"),
    byName("secret", "secret"),
    byName("config", "config"),
    (e) => {
      if (values("image").length === 0) return true;
      const name = (e.type === "image" ? e.actor.attributes.name : e.actor.attributes.image) ?? "";
      return [e.actor.id, name, withoutTag(e.actor.id), withoutTag(name)].some((s) => s !== "" && exact("image", s));
    },
    (e) => values("label").every((l) => {
      const eq = l.indexOf("=");
      const key = eq < 0 ? l : l.slice(0, eq);
      if (!(key in e.actor.attributes)) return false;
      return eq < 0 || e.actor.attributes[key] === l.slice(eq + 1);
    }),
  ];
  return (e) => matchers.every((m) => m(e));
}

/** "busybox:1.38" → "busybox", "127.0.0.1:5000/x:v1" → "127.0.0.1:5000/x", "x@sha256:…" → "x". */
function withoutTag(name: string): string {
  const at = name.indexOf("@");
  const base = at >= 0 ? name.slice(0, at) : name;
  const colon = base.lastIndexOf(":");
  return colon > base.lastIndexOf("/") ? base.slice(0, colon) : base;
}
