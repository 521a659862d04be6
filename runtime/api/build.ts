/**
 * POST /build: the classic builder endpoint the docker CLI uses without buildx. The body is the context tar (plain
 * or gzip); the query carries the options (`t` repeated, `dockerfile`, `buildargs`, `labels`, `cachefrom` as JSON,
 * `target`, `nocache`, `networkmode`, `q`, `platform`; `rm`/`forcerm` are accepted: build containers are always
 * removed). Malformed options are a 400 before anything is read; after that the answer is a 200 stream of JSON
 * messages (build/progress.ts) and a failure is its last message, which makes the CLI print it and exit 1.
 */
import type { Engine } from "../engine.js";
import { invalidArgument } from "../errors.js";
import { build, checkPlatform, type BuildOptions } from "../build/builder.js";
import { BuildCache } from "../build/cache.js";
import { errorMessage, jsonProgress, type Message } from "../build/progress.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { boolParam, type Ctx } from "./http.js";

const caches = new WeakMap<Engine, BuildCache>();

function cacheOf(engine: Engine): BuildCache {
  let cache = caches.get(engine);
  if (!cache) {
    cache = new BuildCache(engine.layout, engine.images);
    caches.set(engine, cache);
  }
  return cache;
}

function jsonParam<T>(q: URLSearchParams, name: string, check: (v: unknown) => boolean, dflt: T): T {
  const raw = q.get(name);
  if (raw === null || raw === "") return dflt;
  let v: unknown;
  try {
    v = JSON.parse(raw);
  } catch (err) {
    throw invalidArgument(`invalid ${name}: ${(err as Error).message}`);
  }
  if (v === null) return dflt;
  if (!check(v)) throw invalidArgument(`invalid ${name}: ${raw}`);
  return v as T;
}

const isRecord = (allowNull: boolean) => (v: unknown): boolean =>
  typeof v === "object" && v !== null && !Array.isArray(v) &&
  Object.values(v).every((x) => typeof x === "string" || (allowNull && x === null));

export function buildOptions(q: URLSearchParams): BuildOptions {
  const opts: BuildOptions = {
    dockerfile: q.get("dockerfile") || "Dockerfile",
    tags: q.getAll("t").filter((t) => t !== ""),
    buildArgs: jsonParam(q, "buildargs", isRecord(true), {}),
    target: q.get("target") || undefined,
    noCache: boolParam(q, "nocache"),
    labels: jsonParam(q, "labels", isRecord(false), {}),
    networkMode: q.get("networkmode") || "default",
    cacheFrom: jsonParam(q, "cachefrom", (v) => Array.isArray(v) && v.every((x) => typeof x === "string"), []),
    platform: q.get("platform") || undefined,
  };
  if (!["default", "bridge", "host", "none"].includes(opts.networkMode)) {
    throw invalidArgument(`network mode "${opts.networkMode}" is not supported for builds (default, host, none)`);
  }
  checkPlatform(opts.platform);
  return opts;
}

export async function buildImage(ctx: Ctx): Promise<void> {
  const { res, engine } = ctx;
  const opts = buildOptions(ctx.query);
  const send = (msg: Message): void => {
    if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
    res.write(`${JSON.stringify(msg)}\n`);
  };
  const progress = jsonProgress(send, boolParam(ctx.query, "q"));
  try {
    const id = await build({
      layout: engine.layout, images: engine.images, executor: engine.executor, cgroups: engine.cgroups,
      host: engine.host, cache: cacheOf(engine),
    }, ctx.req, opts, progress);
    ctx.log.info("image built", { id, tags: opts.tags });
  } catch (err) {
    const message = messageOf(err);
    ctx.log.info("build failed", { error: message, status: httpStatusOf(err) });
    send(errorMessage(message));
  }
  if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
  res.end();
}
