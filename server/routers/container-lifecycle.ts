/**
 * The Overview's action buttons as procedures, one per action so that each has its own line in the permission matrix
 * and in the audit log (`container.stop`, `container.kill` …). Every one is a mutation: authorised and audited with
 * the container as target (named before the action, so a removed container is still named) and its team, and refused
 * unless the caller's role in the container's team allows it (../services/containers/container-scope.ts).
 */
import { z } from "zod";
import { engine } from "../engine/client";
import { scopedContainer } from "../services/containers/container-scope";
import { killSignals, type ContainerAction } from "../services/containers/action-names";
import { runContainerAction } from "../services/containers/container-actions";
import { procedure } from "../trpc";
import { containerIdSchema, containerRef } from "./container-input";

/** The actions without options of their own. */
function lifecycle(action: Exclude<ContainerAction, "kill" | "remove">) {
  return procedure(`container.${action}`)
    .input(containerRef)
    .mutation(async ({ ctx, input }) => {
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, `container.${action}`, ctx.audit);
      return runContainerAction(engine(), target.id, action);
    });
}

export const containerLifecycleProcedures = {
  start: lifecycle("start"),
  stop: lifecycle("stop"),
  restart: lifecycle("restart"),
  pause: lifecycle("pause"),
  unpause: lifecycle("unpause"),

  kill: procedure("container.kill")
    .input(z.object({ id: containerIdSchema, signal: z.enum(killSignals).default("SIGKILL") }))
    .mutation(async ({ ctx, input }) => {
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.kill", ctx.audit);
      return runContainerAction(engine(), target.id, "kill", { signal: input.signal });
    }),

  remove: procedure("container.remove")
    .input(z.object({ id: containerIdSchema, force: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.remove", ctx.audit);
      return runContainerAction(engine(), target.id, "remove", { force: input.force });
    }),
};
