/** Containers on the engine. */
import { engine } from "../engine/client";
import { listContainers } from "../services/containers/list-containers";
import { createTRPCRouter, procedure } from "../trpc";

export const containersRouter = createTRPCRouter({
  list: procedure("container.list").query(() => listContainers(engine())),
});
