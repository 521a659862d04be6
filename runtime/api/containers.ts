/** /containers: create, list, inspect, start, stop, kill, wait, resize, remove. Thin: the manager does the work. */
import { invalidArgument } from "../errors.js";
import { isRunning, type ContainerRecord } from "../containers/container.js";
import type { CreateRequest } from "../containers/create.js";
import type { WaitCondition } from "../containers/manager.js";
import { containerJson, containerSummary } from "./container-views.js";
import { assertFilters, boolParam, intParam, parseFilters, readJson, sendJson, sendStatus, type Ctx } from "./http.js";

export async function createContainer(ctx: Ctx): Promise<void> {
  const body = await readJson<CreateRequest>(ctx.req);
  if (body === undefined || body === null) throw invalidArgument("Config cannot be empty in order to create a container");
  if (typeof body !== "object" || Array.isArray(body)) throw invalidArgument("invalid JSON: want an object");
  const name = ctx.query.get("name") ?? undefined;
  const { id, warnings } = await ctx.engine.containers.create(body, name || undefined);
  ctx.log.info("container created", { id, name });
  sendJson(ctx.res, 201, { Id: id, Warnings: warnings });
}

const STATUSES = ["created", "restarting", "running", "removing", "paused", "exited", "dead"];

function safeRegExp(pattern: string): RegExp | null {
  try {
    return new RegExp(pattern);
  } catch {
    return null;
  }
}

export async function listContainers(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const filters = parseFilters(q);
  assertFilters(filters, ["status", "name", "id", "label", "exited", "ancestor", "before", "since", "health"]);
  const limit = intParam(q, "limit") ?? -1;
  const all = boolParam(q, "all") || limit > 0 || filters.has("status") || filters.has("exited");
  const containers = ctx.engine.containers;
  let list = containers.list().sort((a, b) => (a.created < b.created ? 1 : a.created > b.created ? -1 : 0));
  if (!all) list = list.filter(isRunning);

  const keep = (pred: (c: ContainerRecord) => boolean): void => void (list = list.filter(pred));
  const statuses = filters.get("status") ?? [];
  for (const s of statuses) if (!STATUSES.includes(s)) throw invalidArgument(`Unrecognised filter value for status: ${s}`);
  if (statuses.length) keep((c) => statuses.includes(c.state.status));
  const names = filters.get("name") ?? [];
  if (names.length) {
    keep((c) => names.some((n) => {
      const re = safeRegExp(n);
      return re ? re.test(`/${c.name}`) : `/${c.name}`.includes(n);
    }));
  }
  const ids = filters.get("id") ?? [];
  if (ids.length) keep((c) => ids.some((i) => c.id.startsWith(i) || (safeRegExp(i)?.test(c.id) ?? false)));
  for (const l of filters.get("label") ?? []) {
    const eq = l.indexOf("=");
    const k = eq < 0 ? l : l.slice(0, eq);
    const v = eq < 0 ? undefined : l.slice(eq + 1);
    keep((c) => k in (c.config.Labels ?? {}) && (v === undefined || c.config.Labels[k] === v));
  }
  const health = filters.get("health") ?? [];
  for (const h of health) {
    if (!["starting", "healthy", "unhealthy", "none"].includes(h)) throw invalidArgument(`Unrecognised filter value for health: ${h}`);
  }
  if (health.length) keep((c) => health.includes(c.state.health && c.config.Healthcheck ? c.state.health.Status : "none"));
  const exited = filters.get("exited") ?? [];
  for (const e of exited) if (!/^-?\d+$/.test(e)) throw invalidArgument(`invalid filter 'exited=${e}'`);
  if (exited.length) keep((c) => c.state.status === "exited" && exited.includes(String(c.state.exitCode)));
  const ancestors = filters.get("ancestor") ?? [];
  if (ancestors.length) {
    const ids = new Set<string>();
    for (const a of ancestors) {
      try {
        ids.add((await ctx.engine.images.resolve(a)).id);
      } catch {
        // an unknown image matches nothing
      }
    }
    keep((c) => ids.has(c.imageId) || ancestors.includes(c.config.Image));
  }
  for (const key of ["before", "since"] as const) {
    for (const ref of filters.get(key) ?? []) {
      const pivot = containers.get(ref).created;
      keep((c) => (key === "before" ? c.created < pivot : c.created > pivot));
    }
  }
  if (limit > 0) list = list.slice(0, limit);
  const withSize = boolParam(q, "size");
  const now = Date.now();
  const out = await Promise.all(list.map(async (c) => {
    const summary: Record<string, unknown> = containerSummary(c, now);
    if (ctx.engine.networks) {
      summary.Ports = ctx.engine.networks.summaryPorts(c);
      summary.NetworkSettings = { Networks: ctx.engine.networks.settings(c).Networks };
    }
    if (withSize) {
      summary.SizeRw = await containers.sizeRw(c.id);
      summary.SizeRootFs = summary.SizeRw as number + (await imageSize(ctx, c.imageId));
    }
    return summary;
  }));
  sendJson(ctx.res, 200, out);
}

async function imageSize(ctx: Ctx, imageId: string): Promise<number> {
  try {
    return (await ctx.engine.images.resolve(imageId)).size;
  } catch {
    return 0;
  }
}

export async function inspectContainer(ctx: Ctx): Promise<void> {
  const rec = ctx.engine.containers.get(ctx.params[0] ?? "");
  let lowerDirs: string[] = [];
  try {
    const img = await ctx.engine.images.resolve(rec.imageId);
    lowerDirs = ctx.engine.images.layerPaths(img).slice().reverse();
  } catch {
    // the image may be gone (force-removed): inspect still works
  }
  const body: Record<string, unknown> = containerJson(rec, ctx.engine.layout, lowerDirs);
  body.ExecIDs = ctx.engine.execs?.idsOf(rec.id) ?? null;
  if (ctx.engine.networks) body.NetworkSettings = ctx.engine.networks.settings(rec);
  if (boolParam(ctx.query, "size")) {
    body.SizeRw = await ctx.engine.containers.sizeRw(rec.id);
    body.SizeRootFs = (body.SizeRw as number) + (await imageSize(ctx, rec.imageId));
  }
  sendJson(ctx.res, 200, body);
}

export async function startContainer(ctx: Ctx): Promise<void> {
  const id = ctx.params[0] ?? "";
  const started = await ctx.engine.containers.start(id);
  if (started) ctx.log.info("container started", { id });
  sendStatus(ctx.res, started ? 204 : 304);
}

export async function stopContainer(ctx: Ctx): Promise<void> {
  const id = ctx.params[0] ?? "";
  const stopped = await ctx.engine.containers.stop(id, intParam(ctx.query, "t"), ctx.query.get("signal") ?? undefined);
  sendStatus(ctx.res, stopped ? 204 : 304);
}

export async function killContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.kill(ctx.params[0] ?? "", ctx.query.get("signal") ?? undefined);
  sendStatus(ctx.res, 204);
}

/**
 * POST /containers/{id}/wait: the waiter is registered and the headers are sent at once (the CLI sends the wait before
 * the start and relies on it being in place), the body when the condition is met.
 */
export async function waitContainer(ctx: Ctx): Promise<void> {
  const condition = (ctx.query.get("condition") || "not-running") as WaitCondition;
  if (!["not-running", "next-exit", "removed"].includes(condition)) {
    throw invalidArgument(`invalid condition: "${condition}"`);
  }
  const { result, cancel } = ctx.engine.containers.wait(ctx.params[0] ?? "", condition);
  ctx.res.writeHead(200, { "Content-Type": "application/json" });
  ctx.res.flushHeaders();
  ctx.res.on("close", cancel);
  const r = await result;
  ctx.res.end(`${JSON.stringify(r)}\n`);
}

export function resizeContainer(ctx: Ctx): void {
  const h = intParam(ctx.query, "h") ?? 0;
  const w = intParam(ctx.query, "w") ?? 0;
  ctx.engine.containers.resize(ctx.params[0] ?? "", h, w);
  sendStatus(ctx.res, 200);
}

export async function removeContainer(ctx: Ctx): Promise<void> {
  const id = ctx.params[0] ?? "";
  if (boolParam(ctx.query, "link")) throw invalidArgument("links are not supported");
  await ctx.engine.containers.remove(id, { force: boolParam(ctx.query, "force"), volumes: boolParam(ctx.query, "v") });
  ctx.log.info("container removed", { id });
  sendStatus(ctx.res, 204);
}
