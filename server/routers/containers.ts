/**
 * Containers on the engine: the list, one container's detail, its live log and stats (SSE subscriptions), running
 * one, opening a terminal into one, and the lifecycle actions (./container-lifecycle.ts).
 */
import { tracked } from "@trpc/server";
import { z } from "zod";
import { inScope } from "../auth/team-scope";
import { engine } from "../engine/client";
import { createExecSession } from "../services/containers/exec-session";
import { scopedContainer } from "../services/containers/container-scope";
import { containerDetail } from "../services/containers/inspect-container";
import { listContainers } from "../services/containers/list-containers";
import { followLogs } from "../services/containers/log-stream";
import { runContainer } from "../services/containers/run-container";
import { runInputSchema } from "../services/containers/run-spec";
import { streamStats } from "../services/containers/stats-stream";
import { requireNetworkScope } from "../services/networks/network-scope";
import { isUserNetwork } from "../services/networks/run-networking";
import { requireTeamForNew, standingOf } from "../services/teams/standing";
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
  /** Only the containers in the caller's scope (their teams'; see ../auth/team-scope.ts). */
  list: procedure("container.list").query(async ({ ctx }) => {
    const [rows, standing] = await Promise.all([listContainers(engine()), standingOf(ctx.db, ctx.principal)]);
    return rows.filter((row) => inScope(standing, row.team));
  }),

  inspect: procedure("container.inspect")
    .input(containerRef)
    .query(async ({ ctx, input }) => {
      const scoped = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.inspect", ctx.audit);
      return containerDetail(scoped.info, scoped.role, scoped.team);
    }),

  logs: procedure("container.logs")
    .input(logsInput)
    .subscription(async ({ ctx, input, signal }) => {
      // Checked before the stream starts, so that a refusal is the procedure's answer (and audited).
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.logs", ctx.audit);
      return (async function* () {
        let cursor = input.lastEventId ?? input.after ?? "";
        const after = input.lastEventId || input.after;
        for await (const batch of followLogs(engine(), target.id, { tail: input.tail, after }, signal)) {
          cursor = batch.cursor ?? cursor;
          yield tracked(cursor || "start", batch);
        }
      })();
    }),

  /** Authorises and audits a log download; the route handler (app/api/containers/[id]/logs) then streams it. */
  downloadLogs: procedure("container.logs.download")
    .input(containerRef)
    .mutation(async ({ ctx, input }) => {
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.logs.download", ctx.audit);
      return { id: target.id, name: target.name };
    }),

  stats: procedure("container.stats")
    .input(containerRef)
    .subscription(async ({ ctx, input, signal }) => {
      const { target } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.stats", ctx.audit);
      return streamStats(engine(), target.id, signal);
    }),

  create: procedure("container.create")
    .input(runInputSchema)
    .mutation(async ({ ctx, input }) => {
      ctx.audit.team = input.team || null;
      await requireTeamForNew(ctx.db, ctx.principal, input.team, "container.create");
      // Joining a network is connecting to it: the same team check as network.connect, before anything is created.
      if (isUserNetwork(input.network)) await requireNetworkScope(engine(), ctx.db, ctx.principal, input.network, "network.connect");
      return runContainer(engine(), ctx.principal, input, (created) => {
        ctx.audit.target = { kind: "container", ...created };
      });
    }),

  /** Creates the exec a terminal attaches to (see server/ws/exec-socket.ts); audited as the session's start. */
  exec: procedure("container.exec")
    .input(execInput)
    .mutation(async ({ ctx, input }) => {
      const { target, team } = await scopedContainer(engine(), ctx.db, ctx.principal, input.id, "container.exec", ctx.audit);
      const session = await createExecSession(engine(), ctx.principal, target.id, input.command, team);
      return { execId: session.execId, containerName: session.containerName, command: session.command };
    }),

  ...containerLifecycleProcedures,
});
