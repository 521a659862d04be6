/**
 * Starting a build: checks the uploaded context (still there, within the limit), records a Build row (who, when, the
 * Dockerfile's digest, tags, the names of the build args, target), and runs `POST /build` on the engine in the
 * background. The build goes on when the page that started it goes away; its end is written to the row: status,
 * image ID or the failure (step, exit code, last output), duration, and the log (capped, see build-log.ts). The upload
 * stays for further builds (./build-context.ts removes it after a day unused).
 */
import { createHash } from "node:crypto";
import { stat, utimes } from "node:fs/promises";
import type { Principal } from "../../auth/principal";
import type { Db } from "../../db";
import { engineCall, engineError, type Engine } from "../../engine/client";
import { chunksOf, jsonDocumentsOf } from "../../engine/streams";
import { ServiceError } from "../errors";
import { contextFile, contextForBuild, contextsDir, ContextTooLarge } from "./build-context";
import { buildArgsOf, type ParsedBuildInput } from "./build-input";
import { BuildLog, type BuildMessage } from "./build-log";
import { endBuild, registerBuild, type RunningBuild } from "./running-builds";
import { limitText } from "./context-limit";

export interface StartedBuild {
  id: string;
  dockerfileDigest: string;
}

export interface StartOptions {
  /** the context size limit in bytes */
  limit: number;
  /** where uploads are kept (default: the console data directory's build-contexts) */
  contextsDir?: string;
}

export function dockerfileDigest(text: string): string {
  return `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;
}

export async function startBuild(db: Db, target: Engine, principal: Principal, input: ParsedBuildInput, options: StartOptions): Promise<StartedBuild> {
  const file = input.contextId ? contextFile(options.contextsDir ?? contextsDir(), input.contextId) : null;
  let contextSize = 0;
  if (file) {
    const info = await stat(file).catch(() => null);
    if (!info) throw new ServiceError("NotFound", "The uploaded context is no longer here (it is kept for a day, or until a build uses it). Upload it again.");
    if (info.size > options.limit) throw new ContextTooLarge(options.limit, `it is ${limitText(info.size)}`);
    contextSize = info.size;
    // kept for builds again from the same upload (fix the Dockerfile, build again) until unused for a day
    await utimes(file, new Date(), new Date()).catch(() => undefined);
  }
  const digest = dockerfileDigest(input.dockerfile);
  const row = await db.build.create({
    data: {
      userId: principal.id,
      userName: principal.name,
      dockerfileDigest: digest,
      dockerfile: input.dockerfile,
      dockerfilePath: input.dockerfilePath,
      contextSize,
      contextName: input.contextName,
      tags: JSON.stringify(input.tags),
      buildArgNames: JSON.stringify(Object.keys(buildArgsOf(input.buildArgs))),
      target: input.target || null,
      noCache: input.noCache,
    },
  });
  const started = Date.now();
  const running = registerBuild(row.id, row.startedAt, new BuildLog(() => Date.now() - started));
  void runBuild(db, target, running, file, input).catch((err: unknown) => console.error(`build ${row.id}: could not record its end:`, err));
  return { id: row.id, dockerfileDigest: digest };
}

async function runBuild(db: Db, target: Engine, running: RunningBuild, file: string | null, input: ParsedBuildInput): Promise<void> {
  const { log } = running;
  const started = Date.now();
  try {
    const options = {
      // several `t` parameters, one per tag (docker-modem repeats an array's key); dockerode's type says one string
      t: input.tags as unknown as string,
      dockerfile: input.dockerfilePath,
      buildargs: buildArgsOf(input.buildArgs),
      nocache: input.noCache,
      rm: true,
      ...(input.target ? { target: input.target } : {}),
    };
    const context = contextForBuild(file, input.dockerfilePath, input.dockerfile);
    const stream = await engineCall(target, (docker) => docker.buildImage(context, options), { patient: true });
    for await (const message of jsonDocumentsOf<BuildMessage>(chunksOf(target, stream, undefined))) {
      if (log.push(message).length > 0 || message.aux) running.notify();
    }
    log.end();
  } catch (err) {
    log.end(engineError(target, err).message);
  }
  const failure = log.failure;
  try {
    await db.build.update({
      where: { id: running.id },
      data: {
        status: failure ? "failed" : "succeeded",
        finishedAt: new Date(),
        durationMs: Date.now() - started,
        imageId: failure ? null : log.imageId,
        error: failure?.message ?? null,
        failedStep: failure?.step ?? null,
        exitCode: failure?.exitCode ?? null,
        log: log.text(),
        logTruncated: log.dropped > 0,
        steps: JSON.stringify(log.steps),
      },
    });
  } finally {
    endBuild(running);
  }
}
