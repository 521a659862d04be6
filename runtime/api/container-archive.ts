/**
 * Files in and out of containers: `/containers/{id}/archive` (HEAD: stat, GET: copy out, PUT: copy in — what
 * `docker cp` uses) and `/containers/{id}/export`. The stat travels base64-encoded in `X-Docker-Container-Path-Stat`.
 */
import type { ServerResponse } from "node:http";
import type { Readable } from "node:stream";
import { invalidArgument } from "../errors.js";
import type { PathStat } from "../containers/archive.js";
import { boolParam, sendStatus, type Ctx } from "./http.js";

const STAT_HEADER = "X-Docker-Container-Path-Stat";

function pathParam(ctx: Ctx): string {
  const path = ctx.query.get("path") ?? "";
  if (path === "") throw invalidArgument("no path specified");
  return path;
}

const statHeader = (stat: PathStat): string => Buffer.from(JSON.stringify(stat)).toString("base64");

/** Writes the tar to the response with back-pressure; stops reading when the client goes away. */
async function streamTar(res: ServerResponse, tar: Readable): Promise<void> {
  let gone = false;
  const onClose = (): void => {
    gone = true;
    tar.destroy();
  };
  res.once("close", onClose);
  try {
    for await (const chunk of tar) {
      if (gone) break;
      if (!res.write(chunk)) await drainedOrClosed(res);
    }
  } catch (err) {
    if (!gone) throw err;
  } finally {
    res.off("close", onClose);
  }
  if (!gone) res.end();
}

function drainedOrClosed(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.on("drain", done);
    res.on("close", done);
  });
}

export async function headArchive(ctx: Ctx): Promise<void> {
  const stat = await ctx.engine.containers.statPath(ctx.params[0] ?? "", pathParam(ctx));
  ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(stat), "Content-Type": "application/json" });
  ctx.res.end();
}

export async function getArchive(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.copyFrom(ctx.params[0] ?? "", pathParam(ctx), async (stat, tar) => {
    ctx.res.writeHead(200, { [STAT_HEADER]: statHeader(stat), "Content-Type": "application/x-tar" });
    await streamTar(ctx.res, tar);
  });
}

export async function putArchive(ctx: Ctx): Promise<void> {
  const id = ctx.params[0] ?? "";
  const path = pathParam(ctx);
  await ctx.engine.containers.copyTo(id, path, ctx.req, {
    noOverwriteDirNonDir: boolParam(ctx.query, "noOverwriteDirNonDir"),
    copyUIDGID: boolParam(ctx.query, "copyUIDGID"),
  });
  ctx.log.info("copied into container", { id, path });
  sendStatus(ctx.res, 200);
}

export async function exportContainer(ctx: Ctx): Promise<void> {
  await ctx.engine.containers.export(ctx.params[0] ?? "", async (tar) => {
    ctx.res.writeHead(200, { "Content-Type": "application/x-tar" });
    await streamTar(ctx.res, tar);
  });
}
