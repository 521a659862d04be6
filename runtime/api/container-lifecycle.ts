/**
 * /containers lifecycle verbs beyond create/start/stop: restart, pause, unpause, rename, update, prune, and the
 * read-outs top and changes. Thin: the manager does the work.
 */
import { invalidArgument } from "../errors.js";
import type { UpdateRequest } from "../containers/update.js";
import { assertFilters, intParam, parseFilters, readJson, sendJson, sendStatus, type Ctx } from "./http.js";

export async function restartContainer(ctx: Ctx): Promise<void> {
  const id = ctx.params[0] ?? "";
  await ctx.engine.containers.restart(id, intParam(ctx.query, "t"), ctx.query.get("signal") ?? undefined);
  ctx.log.info("container restarted", { id });
  sendStatus(ctx.res, 204);
}

export async function pauseContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.pause(ctx.params[0] ?? "");
  sendStatus(ctx.res, 204);
}

export async function unpauseContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.unpause(ctx.params[0] ?? "");
  sendStatus(ctx.res, 204);
}

export async function renameContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.rename(ctx.params[0] ?? "", ctx.query.get("name") ?? "");
  sendStatus(ctx.res, 204);
}

export async function updateContainer(ctx: Ctx): Promise<void> {
  const body = await readJson<UpdateRequest>(ctx.req);
  if (body !== undefined && (body === null || typeof body !== "object" || Array.isArray(body))) {
    throw invalidArgument("invalid JSON: want an object");
  }
  const { warnings } = await ctx.engine.containers.update(ctx.params[0] ?? "", body ?? {});
  sendJson(ctx.res, 200, { Warnings: warnings });
}

export async function pruneContainers(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query);
  assertFilters(filters, ["until", "label", "label!"]);
  const report = await ctx.engine.containers.prune({
    until: filters.get("until"), label: filters.get("label"), "label!": filters.get("label!"),
  });
  sendJson(ctx.res, 200, report);
}

export async function topContainer(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, await ctx.engine.containers.top(ctx.params[0] ?? "", ctx.query.get("ps_args") ?? ""));
}

/** Like dockerd: `null` when nothing changed. */
export async function containerChanges(ctx: Ctx): Promise<void> {
  const changes = await ctx.engine.containers.changes(ctx.params[0] ?? "");
  sendJson(ctx.res, 200, changes.length > 0 ? changes : null);
}
