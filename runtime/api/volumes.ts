/** /volumes: create, list, inspect, remove, prune. Thin: the volume store does the work. */
import { invalidArgument } from "../errors.js";
import { ANONYMOUS_LABEL, type Volume } from "../volumes/volume.js";
import { assertFilters, boolParam, parseFilters, readJson, sendJson, sendStatus, type Ctx } from "./http.js";

export function volumeJson(v: Volume) {
  return {
    CreatedAt: v.createdAt,
    Driver: v.driver,
    Labels: v.labels,
    Mountpoint: v.mountpoint,
    Name: v.name,
    Options: v.options,
    Scope: "local",
  };
}

function stringMap(v: unknown, field: string): Record<string, string> | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v !== "object" || Array.isArray(v) || !Object.values(v).every((x) => typeof x === "string")) {
    throw invalidArgument(`${field} must be a map of strings`);
  }
  return v as Record<string, string>;
}

export async function createVolume(ctx: Ctx): Promise<void> {
  const body = (await readJson<Record<string, unknown>>(ctx.req)) ?? {};
  if (typeof body !== "object" || Array.isArray(body)) throw invalidArgument("invalid JSON: want an object");
  for (const k of ["Name", "Driver"]) {
    if (body[k] !== undefined && body[k] !== null && typeof body[k] !== "string") throw invalidArgument(`${k} must be a string`);
  }
  const v = await ctx.engine.volumes.create({
    name: (body.Name as string | undefined) || undefined,
    driver: (body.Driver as string | undefined) || undefined,
    driverOpts: stringMap(body.DriverOpts, "DriverOpts"),
    labels: stringMap(body.Labels, "Labels"),
  });
  ctx.engine.events.publish({ type: "volume", action: "create", actor: { id: v.name, attributes: { driver: v.driver } } });
  sendJson(ctx.res, 201, volumeJson(v));
}

/** `label=key` or `label=key=value` (the CLI also sends `key:value` for volumes, as dockerd accepts). */
function labelMatches(labels: Record<string, string>, filter: string): boolean {
  const eq = filter.indexOf("=");
  const k = eq < 0 ? filter : filter.slice(0, eq);
  const v = eq < 0 ? undefined : filter.slice(eq + 1);
  return k in labels && (v === undefined || labels[k] === v);
}

function isDangling(ctx: Ctx, v: Volume): boolean {
  return !ctx.engine.containers.list().some((c) => (c.mounts ?? []).some((m) => m.type === "volume" && m.source === v.name));
}

export async function listVolumes(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query);
  assertFilters(filters, ["dangling", "driver", "label", "name"]);
  let vols = await ctx.engine.volumes.list();
  for (const d of filters.get("dangling") ?? []) {
    if (!["true", "false", "1", "0"].includes(d)) throw invalidArgument(`invalid filter 'dangling=${d}'`);
    const want = d === "true" || d === "1";
    vols = vols.filter((v) => isDangling(ctx, v) === want);
  }
  const drivers = filters.get("driver") ?? [];
  if (drivers.length) vols = vols.filter((v) => drivers.includes(v.driver));
  for (const l of filters.get("label") ?? []) vols = vols.filter((v) => labelMatches(v.labels, l));
  const names = filters.get("name") ?? [];
  if (names.length) vols = vols.filter((v) => names.some((n) => v.name.includes(n)));
  sendJson(ctx.res, 200, { Volumes: vols.map(volumeJson), Warnings: [] });
}

export async function inspectVolume(ctx: Ctx): Promise<void> {
  sendJson(ctx.res, 200, volumeJson(await ctx.engine.volumes.get(ctx.params[0] ?? "")));
}

export async function removeVolume(ctx: Ctx): Promise<void> {
  const name = ctx.params[0] ?? "";
  await ctx.engine.volumes.remove(name, { force: boolParam(ctx.query, "force") });
  ctx.engine.events.publish({ type: "volume", action: "destroy", actor: { id: name, attributes: { driver: "local" } } });
  sendStatus(ctx.res, 204);
}

/**
 * Removes the volumes no container uses. API 1.41 prunes them all; `all=false` (API 1.42's default, which newer
 * clients may send) keeps named volumes and prunes only anonymous ones. `label`/`label!` narrow it.
 */
export async function pruneVolumes(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query);
  assertFilters(filters, ["label", "label!", "all"]);
  const all = filters.get("all")?.[0];
  const onlyAnonymous = all !== undefined && ["false", "0"].includes(all);
  const labels = filters.get("label") ?? [];
  const notLabels = filters.get("label!") ?? [];
  const result = await ctx.engine.volumes.prune((v) =>
    (onlyAnonymous && !(ANONYMOUS_LABEL in v.labels))
    || !labels.every((l) => labelMatches(v.labels, l))
    || notLabels.some((l) => labelMatches(v.labels, l)));
  for (const name of result.deleted) {
    ctx.engine.events.publish({ type: "volume", action: "destroy", actor: { id: name, attributes: { driver: "local" } } });
  }
  ctx.engine.events.publish({ type: "volume", action: "prune", actor: { id: "",
    attributes: { reclaimed: String(result.reclaimed) } } });
  sendJson(ctx.res, 200, { VolumesDeleted: result.deleted, SpaceReclaimed: result.reclaimed });
}
