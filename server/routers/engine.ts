/** The engine the console talks to: reachable or not (the pages' banner), its host, and its event stream. */
import { tracked } from "@trpc/server";
import { z } from "zod";
import { engine } from "../engine/client";
import { engineEvents } from "../services/engine/engine-events";
import { eventsInScope } from "../services/engine/event-scope";
import { engineStatus } from "../services/engine/engine-status";
import { hostUsage } from "../services/engine/host-usage";
import { standingOf } from "../services/teams/standing";
import { createTRPCRouter, procedure } from "../trpc";

export const engineRouter = createTRPCRouter({
  status: procedure("engine.status").query(() => engineStatus(engine())),

  host: procedure("engine.host").query(() => hostUsage(engine())),

  /**
   * The last hour of events, then live; a reconnect resumes after the last event received. Only the events of what the
   * caller may see (their teams'), as of when the stream opened; a reconnect reads their teams again.
   */
  events: procedure("engine.events")
    .input(z.object({ lastEventId: z.string().max(32).optional() }).optional())
    .subscription(async function* ({ ctx, input, signal }) {
      const standing = await standingOf(ctx.db, ctx.principal);
      for await (const event of eventsInScope(standing, engineEvents(engine(), input?.lastEventId, signal))) yield tracked(event.cursor, event);
    }),
});
