/** Images on the engine. */
import { engine } from "../engine/client";
import { listImages } from "../services/images/list-images";
import { createTRPCRouter, procedure } from "../trpc";

export const imagesRouter = createTRPCRouter({
  list: procedure("image.list").query(() => listImages(engine())),
});
