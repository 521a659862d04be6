/**
 * Image builds from the console: the history, one build, following a build's progress (an SSE subscription), and
 * starting one from an uploaded context (app/api/builds/context stores the upload after `authorizeUpload`).
 */
import { tracked } from "@trpc/server";
import { z } from "zod";
import { engine } from "../engine/client";
import { buildInputSchema } from "../services/builds/build-input";
import { getBuild, listBuilds } from "../services/builds/build-records";
import { buildContextLimit } from "../services/builds/context-limit";
import { followBuild } from "../services/builds/follow-build";
import { startBuild } from "../services/builds/start-build";
import { createTRPCRouter, procedure } from "../trpc";

const buildRef = z.object({ id: z.string().min(1).max(64) });

export const buildsRouter = createTRPCRouter({
  list: procedure("build.list").query(({ ctx }) => listBuilds(ctx.db)),

  /** What the Build page tells the user before they upload. */
  settings: procedure("build.list").query(() => ({ contextLimit: buildContextLimit() })),

  get: procedure("build.inspect")
    .input(buildRef)
    .query(({ ctx, input }) => getBuild(ctx.db, input.id)),

  follow: procedure("build.inspect")
    .input(buildRef.extend({ lastEventId: z.string().max(20).optional() }))
    .subscription(async function* ({ ctx, input, signal }) {
      const cursor = Number(input.lastEventId ?? 0) || 0;
      for await (const update of followBuild(ctx.db, input.id, cursor, signal)) {
        yield tracked(String(update.firstLine + update.lines.length), update);
      }
    }),

  /** The upload's check (a query: only a refusal is audited; the build it leads to is). */
  authorizeUpload: procedure("image.build").query(() => ({ limit: buildContextLimit() })),

  start: procedure("image.build")
    .input(buildInputSchema)
    .mutation(async ({ ctx, input }) => {
      const started = await startBuild(ctx.db, engine(), ctx.principal, input, { limit: buildContextLimit() });
      const what = input.tags.length ? input.tags.join(", ") : "untagged image";
      ctx.audit.target = { kind: "build", id: started.id, name: `${what} from Dockerfile ${started.dockerfileDigest}` };
      return started;
    }),
});
