/**
 * Whether an engine event marked with a console origin token (./console-origin.ts) is the console's own: the token
 * must be one this process issued, the console's audit row of that request must not be a refusal, the event must be
 * about the row's target, and it must have happened while the request was handled (plus a short grace) — or be the
 * end of what the request set going (a container's `die`, an exec's `exec_die`), which may come much later.
 *
 * hakod's event stream shows the marks to every client of the socket, so a mark can be copied once seen; these
 * conditions confine a copy to the very object the console was acting on, at the time it was.
 */
import type { EngineEvent } from "../engine/engine-events";
import type { IssuedOrigin } from "./console-origin";

/** hakod and the console share a host; this only absorbs the event's and the request's clocks being read apart. */
const CLOCK_SLACK_MS = 5000;
/** How long after its request ended an event may still be the request's own (the engine finishing what it began). */
export const ORIGIN_GRACE_MS = 30_000;
/** Events that end what a console request started, and so may come long after it. */
const CONSEQUENCES = new Set(["container die", "container exec_die"]);

/** The parts of the console's audit row the decision needs. */
export interface ConsoleRow {
  outcome: string;
  targetId: string | null;
  targetName: string | null;
}

/** Why the event is not the console's own, or null when it is. */
export function mismatch(event: EngineEvent, origin: IssuedOrigin, rows: ConsoleRow[]): string | null {
  const eventTime = new Date(event.time).getTime();
  const verb = event.action.split(": ")[0];
  const during = eventTime >= origin.startedAt - CLOCK_SLACK_MS && (origin.endedAt === null || eventTime <= origin.endedAt + ORIGIN_GRACE_MS);
  if (!during && !CONSEQUENCES.has(`${event.type} ${verb}`)) return "which had ended before this event";
  const allowed = rows.filter((row) => row.outcome !== "denied");
  if (allowed.length === 0) return "which the console refused";
  if (!allowed.some((row) => sameTarget(event, row))) return "which was about another object";
  return null;
}

function sameTarget(event: EngineEvent, row: ConsoleRow): boolean {
  // A network event's `container` is the container joining or leaving: the object of a container request.
  const ours = [event.actorId, event.attributes.name, event.attributes.container].filter((v): v is string => !!v).map(normalized);
  const theirs = [row.targetId, row.targetName].filter((v): v is string => !!v).map(normalized);
  return ours.some((a) => theirs.some((b) => a === b || sameObjectId(a, b)));
}

/** A short and a full ID of one object (Docker accepts any unique prefix of 12 or more hex digits). */
function sameObjectId(a: string, b: string): boolean {
  const [short, long] = a.length <= b.length ? [a, b] : [b, a];
  return /^(sha256:)?[0-9a-f]{12,}$/.test(short) && long.startsWith(short);
}

/** An image reference as Docker completes it: `busybox` → `busybox:latest`; other names unchanged. */
function normalized(value: string): string {
  const plain = value.replace(/^\//, "").replace(/^docker\.io\//, "").replace(/^library\//, "");
  const lastPart = plain.slice(plain.lastIndexOf("/") + 1);
  const isReference = /^[a-z0-9][a-z0-9._/-]*(:[\w.-]+)?(@sha256:[0-9a-f]{64})?$/.test(plain) && !/^(sha256:)?[0-9a-f]{12,}$/.test(plain);
  return isReference && !lastPart.includes(":") && !plain.includes("@") ? `${plain}:latest` : plain;
}
