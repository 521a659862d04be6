/** The team's registries: admins add, test and remove them; operators see the list to pull and push with. */
import { z } from "zod";
import { engine } from "../engine/client";
import { addRegistry, listRegistries, registryInputSchema, removeRegistry, testRegistry } from "../services/registries/registries";
import { createTRPCRouter, procedure } from "../trpc";

const registryId = z.object({ id: z.string().min(1).max(64) });

export const registriesRouter = createTRPCRouter({
  list: procedure("registry.list").query(({ ctx }) => listRegistries(ctx.db)),

  add: procedure("registry.add")
    .input(registryInputSchema)
    .mutation(async ({ ctx, input }) => {
      const added = await addRegistry(ctx.db, ctx.principal.name, input);
      ctx.audit.target = { kind: "registry", id: added.id, name: added.address };
      return added;
    }),

  /** `docker login` through the engine with the stored credentials; a refusal is an answer (ok: false), not an error. */
  test: procedure("registry.test")
    .input(registryId)
    .mutation(async ({ ctx, input }) => {
      const tested = await testRegistry(ctx.db, engine(), input.id);
      ctx.audit.target = { kind: "registry", id: tested.id, name: tested.address };
      return tested;
    }),

  remove: procedure("registry.remove")
    .input(registryId)
    .mutation(async ({ ctx, input }) => {
      const removed = await removeRegistry(ctx.db, input.id);
      ctx.audit.target = { kind: "registry", id: removed.id, name: removed.address };
      return removed;
    }),
});
