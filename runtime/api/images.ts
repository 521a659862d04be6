/**
 * /images: list, inspect, history, load, remove over the ImageStore (pull, push, import and save: distribution.ts).
 */
import { invalidArgument } from "../errors.js";
import { publishImageEvent, publishImageRemoval } from "../events/image-events.js";
import type { ImageWithNames } from "../store/image-store.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { assertFilters, boolParam, parseFilters, sendJson, type Ctx } from "./http.js";

function unixSeconds(rfc3339: string | undefined): number {
  const ms = rfc3339 ? Date.parse(rfc3339) : NaN;
  return Number.isNaN(ms) ? 0 : Math.floor(ms / 1000);
}

/** Docker's glob of a `reference` filter, matched against the familiar name ("busybox", "busybox:1.38.0-glibc"). */
function referenceMatches(pattern: string, tag: string): boolean {
  const glob = (p: string): RegExp => new RegExp(`^${p.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, "[^/]*")
    .replace(/\?/g, "[^/]")}$`);
  const [repo] = splitTag(tag);
  return glob(pattern).test(tag) || (!pattern.includes(":") && glob(pattern).test(repo));
}

function splitTag(tag: string): [string, string] {
  const at = tag.lastIndexOf(":");
  const slash = tag.lastIndexOf("/");
  return at > slash ? [tag.slice(0, at), tag.slice(at + 1)] : [tag, "latest"];
}

export function imageSummary(img: ImageWithNames) {
  return {
    Id: img.id,
    ParentId: "",
    RepoTags: img.repoTags.length > 0 ? img.repoTags : ["<none>:<none>"],
    RepoDigests: img.repoDigests.length > 0 ? img.repoDigests : ["<none>@<none>"],
    Created: unixSeconds(img.config.created),
    Size: img.size,
    VirtualSize: img.size,
    SharedSize: -1,
    Labels: img.config.config?.Labels ?? {},
    Containers: -1,
  };
}

export async function listImages(ctx: Ctx): Promise<void> {
  const filters = parseFilters(ctx.query);
  assertFilters(filters, ["reference", "dangling", "label", "before", "since"]);
  let images = await ctx.engine.images.list();
  const refs = filters.get("reference");
  if (refs?.length) images = images.filter((i) => i.repoTags.some((t) => refs.some((r) => referenceMatches(r, t))));
  const dangling = filters.get("dangling");
  if (dangling?.length) {
    const want = dangling.includes("true") || dangling.includes("1");
    // an image pulled by digest has a repository digest and no tag: not dangling, as in Docker
    images = images.filter((i) => (i.repoTags.length === 0 && i.repoDigests.length === 0) === want);
  }
  for (const l of filters.get("label") ?? []) {
    const [k, v] = l.split("=", 2) as [string, string | undefined];
    images = images.filter((i) => {
      const labels = i.config.config?.Labels ?? {};
      return k in labels && (v === undefined || labels[k] === v);
    });
  }
  for (const key of ["before", "since"] as const) {
    for (const ref of filters.get(key) ?? []) {
      const pivot = await ctx.engine.images.resolve(ref);
      const t = unixSeconds(pivot.config.created);
      images = images.filter((i) => (key === "before" ? unixSeconds(i.config.created) < t : unixSeconds(i.config.created) > t));
    }
  }
  images.sort((a, b) => unixSeconds(b.config.created) - unixSeconds(a.config.created));
  sendJson(ctx.res, 200, images.map(imageSummary));
}

export async function inspectImage(ctx: Ctx): Promise<void> {
  const img = await ctx.engine.images.resolve(ctx.params[0] ?? "");
  const c = img.config.config ?? {};
  const layers = ctx.engine.images.layerPaths(img);
  const config = {
    Hostname: "",
    Domainname: "",
    User: c.User ?? "",
    AttachStdin: false,
    AttachStdout: false,
    AttachStderr: false,
    ExposedPorts: c.ExposedPorts ?? undefined,
    Tty: false,
    OpenStdin: false,
    StdinOnce: false,
    Env: c.Env ?? null,
    Cmd: c.Cmd ?? null,
    Image: "",
    Volumes: c.Volumes ?? null,
    WorkingDir: c.WorkingDir ?? "",
    Entrypoint: c.Entrypoint ?? null,
    OnBuild: null,
    Labels: c.Labels ?? null,
    ...(c.StopSignal ? { StopSignal: c.StopSignal } : {}),
  };
  sendJson(ctx.res, 200, {
    Id: img.id,
    RepoTags: img.repoTags,
    RepoDigests: img.repoDigests,
    Parent: "",
    Comment: img.config.history?.at(-1)?.comment ?? "",
    Created: img.config.created ?? "0001-01-01T00:00:00Z",
    Container: "",
    ContainerConfig: { ...config, Cmd: null, Entrypoint: null, Env: null, Labels: null },
    DockerVersion: "",
    Author: img.config.author ?? "",
    Config: config,
    Architecture: img.config.architecture ?? "",
    Os: img.config.os ?? "",
    Size: img.size,
    VirtualSize: img.size,
    GraphDriver: {
      Name: "overlay2",
      Data: {
        LowerDir: layers.slice(0, -1).reverse().join(":") || undefined,
        UpperDir: layers.at(-1),
        MergedDir: layers.at(-1),
        WorkDir: layers.at(-1),
      },
    },
    RootFS: { Type: img.config.rootfs?.type ?? "layers", Layers: img.config.rootfs?.diff_ids ?? img.layers.map((l) => l.diffId) },
    Metadata: { LastTagTime: img.loadedAt },
  });
}

export async function imageHistory(ctx: Ctx): Promise<void> {
  const img = await ctx.engine.images.resolve(ctx.params[0] ?? "");
  const history = img.config.history ?? [];
  let layer = img.layers.length - 1;
  const rows = [...history].reverse().map((h, i) => {
    const size = h.empty_layer ? 0 : (img.layers[layer--]?.size ?? 0);
    return {
      Id: i === 0 ? img.id : "<missing>",
      Created: unixSeconds(h.created),
      CreatedBy: h.created_by ?? "",
      Tags: i === 0 ? img.repoTags : null,
      Size: size,
      Comment: h.comment ?? "",
    };
  });
  sendJson(ctx.res, 200, rows);
}

export async function removeImage(ctx: Ctx): Promise<void> {
  const image = await ctx.engine.images.resolve(ctx.params[0] ?? "").catch(() => null);
  const result = await ctx.engine.images.remove(ctx.params[0] ?? "", {
    force: boolParam(ctx.query, "force"),
    noPrune: boolParam(ctx.query, "noprune"),
  });
  publishImageRemoval(ctx.engine.events, image, result);
  sendJson(ctx.res, 200, [
    ...result.untagged.map((u) => ({ Untagged: u })),
    ...result.deleted.map((d) => ({ Deleted: d })),
  ]);
}

/** POST /images/{name}/tag?repo=&tag= (201). */
export async function tagImage(ctx: Ctx): Promise<void> {
  const repo = ctx.query.get("repo") ?? "";
  if (!repo) throw invalidArgument("repository name (repo) is required");
  const tag = ctx.query.get("tag") ?? "";
  await ctx.engine.images.tag(ctx.params[0] ?? "", tag ? `${repo}:${tag}` : repo);
  await publishImageEvent(ctx.engine.events, ctx.engine.images, tag ? `${repo}:${tag}` : repo, "tag");
  ctx.res.writeHead(201);
  ctx.res.end();
}

/**
 * POST /images/load: a progress stream of JSON lines. Headers go out with the first message; a failure before that is
 * an ordinary error answer (400 for a bad archive), a failure after it an error message in the stream.
 */
export async function loadImages(ctx: Ctx): Promise<void> {
  const { res } = ctx;
  const send = (msg: object): void => {
    if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
    res.write(`${JSON.stringify(msg)}\n`);
  };
  try {
    const loaded = await ctx.engine.images.load(ctx.req, (message) =>
      send({ stream: message.endsWith("\n") ? message : `${message}\n` }));
    for (const name of loaded) await publishImageEvent(ctx.engine.events, ctx.engine.images, name, "load");
  } catch (err) {
    if (!res.headersSent) throw err;
    const message = messageOf(err);
    ctx.log.info("image load failed", { error: message, status: httpStatusOf(err) });
    send({ errorDetail: { message }, error: message });
    res.end();
    return;
  }
  if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
  res.end();
}
