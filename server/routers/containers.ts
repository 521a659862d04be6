/**
 * Containers on the engine: the list, one container's detail, its live log and stats (SSE subscriptions), running
 * one, opening a terminal into one, and the lifecycle actions (./container-lifecycle.ts).
 */
import { tracked } from "@trpc/server";
import { z } from "zod";
import { engine } from "../engine/client";
import { createExecSession } from "../services/containers/exec-session";
import { containerTarget, inspectContainer } from "../services/containers/inspect-container";
import { listContainers } from "../services/containers/list-containers";
import { followLogs } from "../services/containers/log-stream";
import { runContainer } from "../services/containers/run-container";
import { runInputSchema } from "../services/containers/run-spec";
import { streamStats } from "../services/containers/stats-stream";
import { createTRPCRouter, procedure } from "../trpc";
import { containerIdSchema, containerRef } from "./container-input";
import { containerLifecycleProcedures } from "./container-lifecycle";

const logsInput = z.object({
  id: containerIdSchema,
  tail: z.number().int().min(0).max(100_000).default(1000),
  /** resume after this line time (RFC 3339); tRPC fills lastEventId itself when an SSE connection is re-established */
  after: z.string().max(64).optional(),
  lastEventId: z.string().max(64).optional(),
});

const execInput = z.object({
  id: containerIdSchema,
  command: z.array(z.string().min(1).max(4096)).min(1, "Name a command to run.").max(64).default(["sh"]),
});

export const containersRouter = createTRPCRouter({
  list: procedure("container.list").query(() => listContainers(engine())),

  inspect: procedure("container.inspect")
    .input(containerRef)
    .query(({ ctx, input }) => inspectContainer(engine(), ctx.principal, input.id)),

  logs: procedure("container.logs")
    .input(logsInput)
    .subscription(async function* ({ input, signal }) {
      let cursor = input.lastEventId ?? input.after ?? "";
      const after = input.lastEventId || input.after;
      for await (const batch of followLogs(engine(), input.id, { tail: input.tail, after }, signal)) {
        cursor = batch.cursor ?? cursor;
        yield tracked(cursor || "start", batch);
      }
    }),

  /** Authorises and audits a log download; the route handler (app/api/containers/[id]/logs) then streams it. */
  downloadLogs: procedure("container.logs.download")
    .input(containerRef)
    .mutation(async ({ ctx, input }) => {
      const target = await containerTarget(engine(), input.id);
      ctx.audit.target = target;
      return { id: target.id, name: target.name ?? target.id.slice(0, 12) };
    }),

  stats: procedure("container.stats")
    .input(containerRef)
    .subscription(({ input, signal }) => streamStats(engine(), input.id, signal)),

  create: procedure("container.create")
    .input(runInputSchema)
    .mutation(({ ctx, input }) =>
      runContainer(engine(), ctx.principal, input, (created) => {
        ctx.audit.target = { kind: "container", ...created };
      }),
    ),

  /** Creates the exec a terminal attaches to (see server/ws/exec-socket.ts); audited as the session's start. */
  exec: procedure("container.exec")
    .input(execInput)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = await containerTarget(engine(), input.id);
      const session = await createExecSession(engine(), ctx.principal, input.id, input.command);
      return { execId: session.execId, containerName: session.containerName, command: session.command };
    }),

  ...containerLifecycleProcedures,
});
