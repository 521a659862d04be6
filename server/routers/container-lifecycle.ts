/**
 * The Overview's action buttons as procedures, one per action so that each has its own line in the permission matrix
 * and in the audit log (`container.stop`, `container.kill` …). Every one is a mutation: authorised and audited with
 * the container as target (named before the action, so a removed container is still named).
 */
import { z } from "zod";
import { engine } from "../engine/client";
import { containerTarget } from "../services/containers/inspect-container";
import { killSignals, type ContainerAction } from "../services/containers/action-names";
import { runContainerAction } from "../services/containers/container-actions";
import { procedure } from "../trpc";
import { containerIdSchema, containerRef } from "./container-input";

/** The actions without options of their own. */
function lifecycle(action: Exclude<ContainerAction, "kill" | "remove">) {
  return procedure(`container.${action}`)
    .input(containerRef)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = await containerTarget(engine(), input.id);
      return runContainerAction(engine(), input.id, action);
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
      ctx.audit.target = await containerTarget(engine(), input.id);
      return runContainerAction(engine(), input.id, "kill", { signal: input.signal });
    }),

  remove: procedure("container.remove")
    .input(z.object({ id: containerIdSchema, force: z.boolean().default(false) }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = await containerTarget(engine(), input.id);
      return runContainerAction(engine(), input.id, "remove", { force: input.force });
    }),
};
