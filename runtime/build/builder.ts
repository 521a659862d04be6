/**
 * `docker build`: from a context tar and options to a committed, tagged image, reporting progress as it goes.
 *
 * Order: check the options (tags, platform) → unpack the context into tmp/build-<random>/ → parse the Dockerfile →
 * plan the stages the target needs (stages.ts) → run them (stage-run.ts), each step cached → apply `labels` →
 * commit the image and its tags (commit-image.ts). The scratch directory is removed whatever happens; layers of a
 * failed build stay in the cache (a retry reuses the steps that succeeded).
 */
import { randomBytes } from "node:crypto";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import { invalidArgument, isKind, notFound } from "../errors.js";
import { shortId } from "../store/digest.js";
import { familiarize, formatReference, parseReference } from "../store/reference.js";
import { receiveContext } from "./context.js";
import { commitBuiltImage } from "./commit-image.js";
import { parseDockerfile, parseInstruction, type Instruction } from "./dockerfile/instructions.js";
import { substituteWord } from "./dockerfile/substitute.js";
import type { BuildProgress } from "./progress.js";
import { PROXY_ARGS, type BuildDeps, type BuildSettings } from "./settings.js";
import { StageRun } from "./stage-run.js";
import { planStages, stageNamed, type Stage } from "./stages.js";
import { cloneState, emptyState, stateId, type BuildState } from "./state.js";

export interface BuildOptions {
  /** path of the Dockerfile in the context ("Dockerfile") */
  dockerfile: string;
  /** `-t` values as given */
  tags: string[];
  buildArgs: Record<string, string | null>;
  target?: string;
  noCache: boolean;
  labels: Record<string, string>;
  networkMode: string;
  cacheFrom: string[];
  platform?: string;
}

const PLATFORM_ARGS: Array<[string, string]> = [
  ["BUILDPLATFORM", "linux/amd64"], ["BUILDOS", "linux"], ["BUILDARCH", "amd64"], ["BUILDVARIANT", ""],
  ["TARGETPLATFORM", "linux/amd64"], ["TARGETOS", "linux"], ["TARGETARCH", "amd64"], ["TARGETVARIANT", ""],
];

export function checkPlatform(platform: string | undefined, where = "platform"): void {
  if (!platform) return;
  if (!/^(linux(\/amd64(\/v[1-4])?)?|amd64|linux\/x86_64)$/i.test(platform.trim())) {
    throw invalidArgument(`${where} "${platform}" is not supported: this engine builds and runs linux/amd64 only`);
  }
}

/** Builds and commits the image; returns its ID. */
export async function build(deps: BuildDeps, contextTar: AsyncIterable<Uint8Array>, opts: BuildOptions,
  progress: BuildProgress): Promise<string> {
  const names = opts.tags.map((t) => {
    const ref = parseReference(t);
    if (ref.digest !== undefined) throw invalidArgument(`invalid tag ${t}: a tag cannot contain a digest`);
    return formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag ?? "latest" });
  });
  checkPlatform(opts.platform);
  const scratch = join(deps.layout.tmpDir(), `build-${randomBytes(8).toString("hex")}`);
  await mkdir(scratch, { recursive: true, mode: 0o700 });
  try {
    const context = await receiveContext(contextTar, scratch, opts.dockerfile);
    const parsed = parseDockerfile(context.dockerfile, context.dockerfileName);
    for (const w of parsed.warnings) progress.warn(w);
    const buildArgs = new Map(Object.entries(opts.buildArgs).filter((e): e is [string, string] => e[1] !== null));
    const epochText = buildArgs.get("SOURCE_DATE_EPOCH");
    const sourceDateEpoch = epochText !== undefined && /^\d+$/.test(epochText) ? Number(epochText) : undefined;
    const escape = parsed.directives.escape;

    const metaVars = new Map<string, string>(PLATFORM_ARGS);
    const metaArgs = new Map<string, string>();
    const metaIns = parsed.instructions.slice(0, Math.max(0, parsed.instructions.findIndex((x) => x.keyword === "FROM")));
    for (const ins of metaIns) {
      for (const [name, dflt] of argWords(ins)) {
        const value = buildArgs.get(name) ?? (dflt !== undefined ? substituteWord(dflt, metaVars, escape) : undefined);
        if (value !== undefined) {
          metaVars.set(name, value);
          metaArgs.set(name, value);
        }
      }
    }
    const fromName = (stage: Stage): string => substituteWord((/^\S+/.exec(stage.from.args) ?? [""])[0], metaVars, escape);
    const plan = planStages(parsed.instructions, opts.target, (stage) => [
      fromName(stage),
      ...stage.instructions.filter((i) => i.flags.has("from")).map((i) => substituteWord(i.flags.get("from") as string, metaVars, escape)),
    ]);

    const allowed = await cacheFromLayers(deps, opts.cacheFrom);
    const settings: BuildSettings = {
      buildArgs, consumedArgs: new Set(metaArgs.keys()), noCache: opts.noCache,
      cacheAllowed: (s) => allowed === null || s.layers.every((l) => allowed.has(l.chainId)),
      hostNetwork: opts.networkMode === "host", sourceDateEpoch, scratch, context, escape, progress,
      stages: plan.stages, stageStates: new Map(),
    };
    const total = metaIns.length + plan.order.reduce((n, s) => n + 1 + s.instructions.length, 0);
    let n = 0;
    const announce = (ins: Instruction): void => progress.stream(`Step ${++n}/${total} : ${ins.original}\n`);
    for (const ins of metaIns) announce(ins);

    for (const stage of plan.order) {
      announce(stage.from);
      const platform = stage.from.flags.get("platform");
      if (platform !== undefined) checkPlatform(substituteWord(platform, metaVars, escape), "FROM --platform");
      const base = await baseState(deps, settings, stage, fromName(stage));
      if (base.layers.length > 0 || stageNamed(plan.stages, fromName(stage))) progress.stream(` ---> ${shortId(stateId(base))}\n`);
      const run = new StageRun(deps, settings, base, metaVars);
      const triggers = base.config.config.OnBuild ?? [];
      if (triggers.length > 0) {
        progress.stream(`# Executing ${triggers.length} build trigger${triggers.length === 1 ? "" : "s"}\n`);
        run.state = cloneState(base);
        run.state.config.config.OnBuild = null;
        for (const t of triggers) await run.execute(parseInstruction(t, stage.from.line));
      }
      for (const ins of stage.instructions) {
        announce(ins);
        await run.execute(ins);
      }
      settings.stageStates.set(stage.index, run.state);
    }

    let final = settings.stageStates.get(plan.target.index) as BuildState;
    if (Object.keys(opts.labels).length > 0) {
      final = cloneState(final);
      final.config.config.Labels = { ...(final.config.config.Labels ?? {}), ...opts.labels };
    }
    const unused = [...buildArgs.keys()].filter((k) => !settings.consumedArgs.has(k) && !PROXY_ARGS.has(k) &&
      k !== "SOURCE_DATE_EPOCH");
    if (unused.length > 0) progress.warn(`One or more build-args [${unused.join(" ")}] were not consumed`);
    const imageId = await commitBuiltImage(deps.images, final, names);
    progress.imageId(imageId);
    progress.stream(`Successfully built ${shortId(imageId)}\n`);
    for (const name of names) progress.stream(`Successfully tagged ${familiarize(name)}\n`);
    return imageId;
  } finally {
    await rm(scratch, { recursive: true, force: true });
  }
}

/** `ARG a=1 b` → [["a","1"], ["b", undefined]]. */
export function argWords(ins: Instruction): Array<[string, string | undefined]> {
  return ins.args.split(/\s+/).filter(Boolean).map((w) => {
    const eq = w.indexOf("=");
    return eq < 0 ? [w, undefined] : [w.slice(0, eq), w.slice(eq + 1).replace(/^"(.*)"$/, "$1")];
  });
}

async function baseState(deps: BuildDeps, b: BuildSettings, stage: Stage, name: string): Promise<BuildState> {
  if (name === "") throw invalidArgument(`Dockerfile:${stage.from.line}: FROM: the base image name is empty after substitution`);
  if (name.toLowerCase() === "scratch") return emptyState();
  const dep = stageNamed(b.stages, name);
  if (dep && dep.index < stage.index) return b.stageStates.get(dep.index) as BuildState;
  const image = await deps.images.resolve(name).catch((err: unknown) => {
    if (isKind(err, "NotFound")) {
      throw notFound(`Dockerfile:${stage.from.line}: FROM ${name}: No such image: ${name} ` +
        `(this engine cannot pull: load the image first with "docker load")`);
    }
    throw err;
  });
  const c = image.config;
  return {
    config: {
      architecture: c.architecture ?? "amd64",
      os: c.os ?? "linux",
      ...(c.created ? { created: c.created } : {}),
      ...(c.author ? { author: c.author } : {}),
      config: { ...(c.config ?? {}) },
      rootfs: { type: "layers", diff_ids: image.layers.map((l) => l.diffId) },
      history: [...(c.history ?? [])],
    },
    layers: image.layers,
  };
}

/** With `cachefrom`, only steps whose layers all come from those images may be reused (null: no limit). */
async function cacheFromLayers(deps: BuildDeps, refs: string[]): Promise<Set<string> | null> {
  if (refs.length === 0) return null;
  const chains = new Set<string>();
  for (const ref of refs) {
    const image = await deps.images.resolve(ref).catch(() => undefined);
    for (const l of image?.layers ?? []) chains.add(l.chainId);
  }
  return chains;
}
