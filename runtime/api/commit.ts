/** POST /commit: a container's changes as a new image (`docker commit`). */
import { invalidArgument } from "../errors.js";
import type { ContainerConfig } from "../containers/container.js";
import { boolParam, readJson, sendJson, type Ctx } from "./http.js";

export async function commitContainer(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const container = q.get("container") ?? "";
  if (!container) throw invalidArgument("No such container: ");
  const config = await readJson<Partial<ContainerConfig> | null>(ctx.req);
  if (config !== undefined && config !== null && (typeof config !== "object" || Array.isArray(config))) {
    throw invalidArgument("invalid JSON: want an object");
  }
  const id = await ctx.engine.containers.commit(container, {
    repo: q.get("repo") ?? "",
    tag: q.get("tag") ?? "",
    author: q.get("author") ?? "",
    comment: q.get("comment") ?? "",
    changes: q.getAll("changes"),
    config: config ?? null,
    pause: boolParam(q, "pause", true),
  });
  ctx.log.info("container committed", { container, image: id });
  sendJson(ctx.res, 201, { Id: id });
}
