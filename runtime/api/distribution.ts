/**
 * The distribution endpoints of the Docker API: pull and import (`POST /images/create`), push
 * (`POST /images/{name}/push`), login (`POST /auth`), save (`GET /images/get`, `GET /images/{name}/get`).
 *
 * Pull, push and import answer with a JSON progress stream. As with dockerd, a failure before the first message is
 * an ordinary error answer (the CLI prints "Error response from daemon: …"); after it, an error message in the stream.
 */
import { invalidArgument } from "../errors.js";
import { importRootfs } from "../distribution/import-rootfs.js";
import { RegistryClient } from "../distribution/registry/client.js";
import { credentialsFromHeader, credentialsFromJson } from "../distribution/registry/credentials.js";
import type { ProgressMessage } from "../distribution/registry/progress.js";
import { pullImage, pullReference } from "../distribution/registry/pull.js";
import { pushImage } from "../distribution/registry/push.js";
import { RegistryError } from "../distribution/registry/registry-error.js";
import { DOCKER_HUB } from "../distribution/registry/settings.js";
import { saveArchive, selectImages } from "../distribution/save.js";
import { hostOnly } from "../distribution/registry/settings.js";
import { publishImageIdEvent, publishTransferEvent } from "../events/image-events.js";
import { familiarString } from "../store/reference.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { readJson, sendJson, type Ctx } from "./http.js";

/** Runs `work` with a JSON-lines progress stream as the answer. */
async function streamed(ctx: Ctx, what: string, work: (send: (msg: ProgressMessage) => void) => Promise<void>): Promise<void> {
  const { res } = ctx;
  const send = (msg: ProgressMessage): void => {
    if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
    res.write(`${JSON.stringify(msg)}\n`);
  };
  try {
    await work(send);
  } catch (err) {
    if (!res.headersSent) throw err;
    const message = messageOf(err);
    ctx.log.info(`${what} failed`, { error: message, status: httpStatusOf(err) });
    send({ errorDetail: { message }, error: message });
    res.end();
    return;
  }
  if (!res.headersSent) res.writeHead(200, { "Content-Type": "application/json" });
  res.end();
}

/** POST /images/create: `fromImage` pulls, `fromSrc=-` imports the request body as a root filesystem. */
export async function createImage(ctx: Ctx): Promise<void> {
  const q = ctx.query;
  const fromSrc = q.get("fromSrc");
  const fromImage = q.get("fromImage");
  if (fromSrc) {
    if (fromSrc !== "-") throw invalidArgument(`importing from a URL (${fromSrc}) is not supported: send the tarball as the request body (fromSrc=-)`);
    await streamed(ctx, "import", async (send) => {
      const id = await importRootfs(ctx.engine.layout, ctx.engine.images, ctx.req, {
        repo: q.get("repo") ?? undefined,
        tag: q.get("tag") ?? undefined,
        message: q.get("message") ?? undefined,
        changes: q.getAll("changes"),
        platform: q.get("platform") ?? undefined,
      });
      send({ status: id });
      const image = await ctx.engine.images.resolve(id).catch(() => null);
      if (image) publishImageIdEvent(ctx.engine.events, image, "import");
    });
    return;
  }
  if (!fromImage) throw invalidArgument("fromImage or fromSrc is required");
  const credentials = credentialsFromHeader(ctx.req.headers["x-registry-auth"]);
  ctx.req.resume();
  await streamed(ctx, "pull", async (send) => {
    const tag = q.get("tag") ?? undefined;
    await pullImage(
      { layout: ctx.engine.layout, images: ctx.engine.images, registries: ctx.engine.registries, log: ctx.log },
      { image: fromImage, tag, credentials },
      send,
    );
    await publishTransferEvent(ctx.engine.events, ctx.engine.images, familiarString(pullReference(fromImage, tag)), "pull");
  });
}

/** POST /images/{name}/push?tag= */
export async function pushImageHandler(ctx: Ctx): Promise<void> {
  const credentials = credentialsFromHeader(ctx.req.headers["x-registry-auth"]);
  ctx.req.resume();
  await streamed(ctx, "push", async (send) => {
    const pushed = await pushImage(
      { images: ctx.engine.images, registries: ctx.engine.registries, log: ctx.log },
      { name: ctx.params[0] ?? "", tag: ctx.query.get("tag") ?? undefined, credentials },
      send,
    );
    for (const ref of pushed) await publishTransferEvent(ctx.engine.events, ctx.engine.images, ref, "push");
  });
}

/**
 * POST /auth (docker login): checks the credentials against the registry's `/v2/`, through its token server when it
 * has one. 200 `{"Status":"Login Succeeded"}`, or 401 with the registry's reason.
 */
export async function login(ctx: Ctx): Promise<void> {
  const body = await readJson<unknown>(ctx.req);
  const creds = credentialsFromJson(body);
  const host = registryHostOf(creds.serverAddress);
  const client = new RegistryClient(ctx.engine.registries, host, creds, [], ctx.log);
  try {
    await client.checkLogin();
  } catch (err) {
    if (err instanceof RegistryError && (err.unauthorized || err.status === 403)) {
      sendJson(ctx.res, 401, { message: err.message });
      return;
    }
    throw err;
  }
  sendJson(ctx.res, 200, { Status: "Login Succeeded", IdentityToken: "" });
}

/** `https://index.docker.io/v1/` → docker.io; `127.0.0.1:5000` and `http://127.0.0.1:5000/` → 127.0.0.1:5000. */
export function registryHostOf(serverAddress: string | undefined): string {
  if (!serverAddress) return DOCKER_HUB;
  let host = serverAddress.trim().replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "");
  if (host === "") throw invalidArgument(`invalid server address ${JSON.stringify(serverAddress)}`);
  if (["index.docker.io", "registry-1.docker.io", "docker.io", "registry.hub.docker.com"].includes(hostOnly(host))) host = DOCKER_HUB;
  return host;
}

/** GET /images/get?names=a&names=b and GET /images/{name}/get: a tar of the images (save.ts). */
export async function saveImages(ctx: Ctx): Promise<void> {
  const names = ctx.params[0] !== undefined ? [ctx.params[0]] : ctx.query.getAll("names").flatMap((n) => n.split(",")).filter(Boolean);
  if (names.length === 0) throw invalidArgument("no images named (names=…)");
  const selected = await selectImages(ctx.engine.images, names);
  const archive = saveArchive(ctx.engine.images, selected);
  // once the whole archive went out: a save cut short saved nothing
  archive.on("end", () => {
    for (const { image } of selected) publishImageIdEvent(ctx.engine.events, image, "save");
  });
  ctx.res.writeHead(200, { "Content-Type": "application/x-tar" });
  archive.on("error", (err) => {
    ctx.log.warn("image save failed mid-stream", { error: messageOf(err) });
    ctx.res.destroy(err);
  });
  archive.pipe(ctx.res);
  await new Promise<void>((resolve) => {
    ctx.res.on("close", () => {
      archive.destroy();
      resolve();
    });
  });
}
