/** The engine the console talks to: reachable or not (the pages' banner). */
import { engine } from "../engine/client";
import { engineStatus } from "../services/engine/engine-status";
import { createTRPCRouter, procedure } from "../trpc";

export const engineRouter = createTRPCRouter({
  status: procedure("engine.status").query(() => engineStatus(engine())),
});
