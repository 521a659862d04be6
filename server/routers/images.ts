/**
 * Images on the engine: the list, one image's detail and tag history, tagging (and pointing a tag back), pull and
 * push as server-side transfers with their progress (an SSE subscription), and per-repository rules.
 */
import { z } from "zod";
import { engine } from "../engine/client";
import { imageDetail } from "../services/images/image-detail";
import { listImages } from "../services/images/list-images";
import { parseTagRef, splitReference } from "../services/images/references";
import { imageTagHistory } from "../services/images/tag-history";
import { isImmutable, pointTagBack, setRepositoryRule, tagImage } from "../services/images/tag-image";
import { getTransfer, listTransfers, startPull, startPush, watchTransfer } from "../services/images/transfers";
import { createTRPCRouter, procedure } from "../trpc";

const imageId = z.string().trim().min(1, "Name an image.").max(512);
const reference = z.string().trim().min(1, "Enter an image reference, e.g. 127.0.0.1:5000/team/app:v1.").max(512);
const transferId = z.object({ id: z.string().uuid() });

export const imagesRouter = createTRPCRouter({
  list: procedure("image.list").query(() => listImages(engine())),

  inspect: procedure("image.inspect")
    .input(z.object({ id: imageId }))
    .query(({ input }) => imageDetail(engine(), input.id)),

  /** The timeline of the image's tags (those it has and those it had), and the rules of their repositories. */
  tagHistory: procedure("image.history")
    .input(z.object({ id: imageId }))
    .query(async ({ ctx, input }) => {
      const detail = await imageDetail(engine(), input.id);
      const refs = detail.tags.flatMap((t) => splitReference(t) ?? []);
      const events = await imageTagHistory(ctx.db, detail.id, refs);
      const repositories = [...new Set([...refs.map((r) => r.repository), ...events.map((e) => e.repository)])];
      const immutable = await Promise.all(repositories.map(async (r) => [r, await isImmutable(ctx.db, r)] as const));
      return { imageId: detail.id, events, immutable: Object.fromEntries(immutable) };
    }),

  tag: procedure("image.tag")
    .input(z.object({ id: imageId, reference }))
    .mutation(async ({ ctx, input }) => {
      const ref = parseTagRef(input.reference);
      ctx.audit.target = { kind: "image", id: input.id, name: input.reference };
      return tagImage(ctx.db, engine(), ctx.principal.name, input.id, ref);
    }),

  /** "Point this tag back to the previous digest": a tag to the image it named before its latest change. */
  pointBack: procedure("image.tag")
    .input(z.object({ reference }))
    .mutation(async ({ ctx, input }) => {
      const ref = parseTagRef(input.reference);
      ctx.audit.target = { kind: "image", name: input.reference };
      return pointTagBack(ctx.db, engine(), ctx.principal.name, ref);
    }),

  setRule: procedure("image.rule.set")
    .input(z.object({ repository: z.string().trim().min(1).max(255), immutableTags: z.boolean() }))
    .mutation(async ({ ctx, input }) => {
      ctx.audit.target = { kind: "repository", name: input.repository };
      await setRepositoryRule(ctx.db, ctx.principal.name, input.repository, input.immutableTags);
      return { ok: true };
    }),

  pull: procedure("image.pull")
    .input(z.object({ reference }))
    .mutation(async ({ ctx, input }) => {
      const ref = parseTagRef(input.reference);
      ctx.audit.target = { kind: "image", name: input.reference };
      return startPull(ctx.db, engine(), ctx.principal.name, ref);
    }),

  push: procedure("image.push")
    .input(z.object({ reference }))
    .mutation(async ({ ctx, input }) => {
      const ref = parseTagRef(input.reference);
      ctx.audit.target = { kind: "image", name: input.reference };
      return startPush(ctx.db, engine(), ctx.principal.name, ref);
    }),

  transfers: procedure("image.transfers").query(() => listTransfers()),

  transfer: procedure("image.transfers").input(transferId).query(({ input }) => getTransfer(input.id)),

  /** One transfer's progress, live until it ends. */
  transferProgress: procedure("image.transfers")
    .input(transferId)
    .subscription(({ input, signal }) => watchTransfer(input.id, signal)),
});
