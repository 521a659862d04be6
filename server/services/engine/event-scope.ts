/**
 * Which of the engine's events a person may see on the dashboard: an event belongs to the team of its object, read
 * from the `hako.team` label the engine copies into a container's (or image's) event attributes; events without it
 * (unlabeled containers, volumes, networks, the daemon) belong to no team. The team scope rule
 * (../../auth/team-scope.ts) then decides, as it does for containers: admins see all, a member their teams' events,
 * someone in no team the events without a team.
 */
import { inScope, teamOf, type Standing } from "../../auth/team-scope";
import type { EngineEvent } from "./engine-events";

/** The team an event's object belongs to (null: none). */
export function eventTeam(event: Pick<EngineEvent, "attributes">): string | null {
  return teamOf(event.attributes);
}

export function eventInScope(standing: Standing, event: Pick<EngineEvent, "attributes">): boolean {
  return inScope(standing, eventTeam(event));
}

/** The events of `events` that `standing` may see, in order. */
export async function* eventsInScope(standing: Standing, events: AsyncIterable<EngineEvent>): AsyncGenerator<EngineEvent> {
  for await (const event of events) if (eventInScope(standing, event)) yield event;
}
