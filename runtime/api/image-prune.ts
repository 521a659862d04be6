/**
 * POST /images/prune: removes images no container uses — only dangling ones (no tag) by default or with
 * `dangling=true`, every unused image with `dangling=false` — and answers what went and how many bytes that freed.
 * `until` and `label` filters narrow it down as in Docker.
 */
import { publishImageRemoval } from "../events/image-events.js";
import type { ImageWithNames } from "../store/image-store.js";
import { assertFilters, parseFilters, sendJson, type Ctx } from "./http.js";
import { invalidArgument, isKind } from "../errors.js";

export async function pruneImages(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query);
  assertFilters(filters, ["dangling", "until", "label", "label!"]);
  const dangling = filters.get("dangling") ?? ["true"];
  const danglingOnly = !dangling.some((v) => ["false", "0"].includes(v.toLowerCase()));
  const until = (filters.get("until") ?? []).map(timestampOf);
  let candidates = (await ctx.engine.images.list()).filter((img) => !danglingOnly || (img.repoTags.length === 0 && img.repoDigests.length === 0));
  candidates = candidates.filter((img) => ctx.engine.containers.imageUser(img.id) === undefined);
  if (until.length > 0) candidates = candidates.filter((img) => until.every((t) => createdMs(img) < t));
  for (const l of filters.get("label") ?? []) candidates = candidates.filter((img) => hasLabel(img, l));
  for (const l of filters.get("label!") ?? []) candidates = candidates.filter((img) => !hasLabel(img, l));

  const deleted: Array<{ Untagged?: string; Deleted?: string }> = [];
  let reclaimed = 0;
  for (const img of candidates) {
    try {
      const result = await ctx.engine.images.remove(img.id, { force: true, noPrune: false });
      publishImageRemoval(ctx.engine.events, img, result);
      deleted.push(...result.untagged.map((u) => ({ Untagged: u })), ...result.deleted.map((d) => ({ Deleted: d })));
      if (result.deleted.includes(img.id)) reclaimed += img.size;
    } catch (err) {
      // used by a container created meanwhile, or removed by someone else: not ours to prune
      if (!isKind(err, "Conflict") && !isKind(err, "NotFound")) throw err;
    }
  }
  sendJson(ctx.res, 200, { ImagesDeleted: deleted.length > 0 ? deleted : null, SpaceReclaimed: reclaimed });
}

function hasLabel(img: ImageWithNames, filter: string): boolean {
  const [k, v] = filter.split("=", 2) as [string, string | undefined];
  const labels = img.config.config?.Labels ?? {};
  return k in labels && (v === undefined || labels[k] === v);
}

function createdMs(img: ImageWithNames): number {
  const t = Date.parse(img.config.created ?? "");
  return Number.isNaN(t) ? 0 : t;
}

/** `until`: a Unix timestamp, an RFC 3339 date, or a duration before now (`10m`, `24h`). */
function timestampOf(v: string): number {
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v) * 1000;
  const d = /^(\d+(?:\.\d+)?)(ms|s|m|h)$/.exec(v);
  if (d) return Date.now() - Number(d[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[d[2] as "ms" | "s" | "m" | "h"];
  const t = Date.parse(v);
  if (Number.isNaN(t)) throw invalidArgument(`invalid filter 'until=${v}'`);
  return t;
}
