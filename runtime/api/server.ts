/**
 * The Docker Engine API server on a unix socket: request IDs and logging, the version prefix, the route table,
 * hijacked (upgraded) connections, and the translation of engine errors into `{"message": …}` answers.
 */
import { connect, type Socket } from "node:net";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { chmod, chown, lstat, mkdir, readFile, unlink } from "node:fs/promises";
import { dirname } from "node:path";
import { performance } from "node:perf_hooks";
import { EngineError, invalidArgument } from "../errors.js";
import type { Engine } from "../engine.js";
import { withRequestOrigin } from "../events/origin.js";
import { httpStatusOf, messageOf } from "./errors-http.js";
import { sendJson } from "./http.js";
import { writeRawError } from "./hijack.js";
import { API_VERSION, matchRoute, splitVersion, type Route } from "./router.js";
import { routes as defaultRoutes } from "./routes.js";
import { ENGINE_VERSION } from "./system.js";

let requestCounter = 0;
const nextRequestId = (): string => (++requestCounter).toString(36).padStart(6, "0");

function parseUrl(raw: string | undefined): URL {
  try {
    return new URL(raw ?? "/", "http://hakod");
  } catch {
    throw invalidArgument(`malformed request URL ${raw}`);
  }
}

export function createApiServer(engine: Engine, routes: Route[] = defaultRoutes): Server {
  const { log } = engine;
  const server = createServer({ requestTimeout: 0, keepAliveTimeout: 5000 }, (req, res) => {
    void withRequestOrigin(req.headers, () => handle(req, res));
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const id = nextRequestId();
    const start = performance.now();
    const method = req.method ?? "GET";
    res.setHeader("Server", `Hako/${ENGINE_VERSION} (linux)`);
    res.setHeader("Api-Version", API_VERSION);
    res.setHeader("Docker-Experimental", "false");
    res.setHeader("Ostype", "linux");
    res.on("finish", () => {
      const fields = { req: id, method, url: req.url, status: res.statusCode, ms: Math.round(performance.now() - start) };
      if (res.statusCode >= 500) log.error("request", fields);
      else if (method === "GET" || method === "HEAD") log.debug("request", fields);
      else log.info("request", fields);
    });
    const reqLog = log.child({ req: id });
    try {
      const url = parseUrl(req.url);
      const { version, path } = splitVersion(url.pathname);
      const m = matchRoute(routes, method, path);
      if (m.kind === "not-found") return sendJson(res, 404, { message: "page not found" });
      if (m.kind === "method-not-allowed") return sendJson(res, 405, { message: "method not allowed" });
      await m.route.handler({ req, res, params: m.params, query: url.searchParams, engine, log: reqLog, apiVersion: version });
    } catch (err) {
      const status = httpStatusOf(err);
      if (status >= 500) reqLog.error("request failed", { error: messageOf(err), stack: (err as Error)?.stack });
      if (!res.headersSent) sendJson(res, status, { message: messageOf(err) });
      else res.destroy();
    }
  }

  server.on("upgrade", (req: IncomingMessage, socket: Socket, head: Buffer) => {
    void withRequestOrigin(req.headers, async () => {
      const id = nextRequestId();
      const reqLog = log.child({ req: id });
      socket.on("error", () => undefined);
      try {
        const url = parseUrl(req.url);
        const { version, path } = splitVersion(url.pathname);
        const m = matchRoute(routes, req.method ?? "GET", path);
        if (m.kind !== "found" || !m.route.upgrade) {
          writeRawError(socket, m.kind === "method-not-allowed" ? 405 : 404, "page not found");
          return;
        }
        reqLog.info("request (upgraded)", { method: req.method, url: req.url });
        await m.route.upgrade({ req, socket, head, params: m.params, query: url.searchParams, engine, log: reqLog,
          apiVersion: version });
      } catch (err) {
        if (!(err instanceof EngineError)) reqLog.error("upgraded request failed", { error: messageOf(err) });
        if (!socket.destroyed && socket.bytesWritten === 0) writeRawError(socket, httpStatusOf(err), messageOf(err));
        else socket.destroy();
      }
    });
  });
  return server;
}

/** Whether something accepts connections on the unix socket at `path`. */
function socketInUse(path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ path });
    s.once("connect", () => {
      s.destroy();
      resolve(true);
    });
    s.once("error", () => resolve(false));
  });
}

async function groupId(name: string): Promise<number | null> {
  const text = await readFile("/etc/group", "utf8").catch(() => "");
  for (const line of text.split("\n")) {
    const [n, , gid] = line.split(":");
    if (n === name && gid && /^\d+$/.test(gid)) return Number(gid);
  }
  return null;
}

/**
 * Listens on the unix socket `path`: creates its directory, refuses to take over a socket another engine serves,
 * replaces a stale one, and leaves it mode 0660, group `hako` when that group exists.
 */
export async function listenUnix(server: Server, path: string): Promise<void> {
  await mkdir(dirname(path), { recursive: true, mode: 0o755 });
  const st = await lstat(path).catch(() => null);
  if (st) {
    if (!st.isSocket()) throw new Error(`${path} exists and is not a socket`);
    if (await socketInUse(path)) throw new Error(`another engine is listening on ${path}`);
    await unlink(path);
  }
  const oldMask = process.umask(0o177);
  try {
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(path, () => {
        server.off("error", reject);
        resolve();
      });
    });
  } finally {
    process.umask(oldMask);
  }
  const gid = await groupId("hako");
  if (gid !== null) await chown(path, 0, gid);
  await chmod(path, 0o660);
}
