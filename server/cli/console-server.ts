/**
 * The console's production HTTP server: Next.js in this process behind a plain http.Server, which is where the peer
 * address is known and where the terminal's WebSocket attaches (route handlers cannot upgrade a connection). Needs a
 * production build (`next build`) of the checkout.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import next from "next";
import { REMOTE_ADDR_HEADER } from "../http/request-info";
import { handleExecUpgrade } from "../ws/exec-socket";
import { CliError } from "./errors";

export interface ConsoleServer {
  port: number;
  close(): Promise<void>;
}

export function ensureBuild(repo: string): void {
  if (existsSync(join(repo, ".next", "BUILD_ID"))) return;
  console.log("No production build of the console yet (.next/BUILD_ID); running next build first (about 30 s)…");
  const build = spawnSync(process.execPath, [join(repo, "node_modules", "next", "dist", "bin", "next"), "build"], {
    cwd: repo,
    stdio: "inherit",
    env: { ...process.env, NODE_ENV: "production" },
  });
  if (build.status !== 0) throw new CliError(`next build failed (exit ${build.status ?? build.signal})`);
}

export async function startConsole(repo: string, hostname: string, port: number): Promise<ConsoleServer> {
  const app = next({ dev: false, dir: repo, hostname, port });
  await app.prepare();
  const handle = app.getRequestHandler();
  const server = createServer((req, res) => {
    // Overwrites whatever a client sent under this name: only the socket knows the peer.
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    void handle(req, res);
  });
  // Next.js adds its own upgrade listener on the first request; it leaves alone paths it has no route for, and
  // /api/ws/… has none. The console serves no other WebSocket, so any other upgrade is refused rather than left hanging.
  server.on("upgrade", (req, socket, head) => {
    req.headers[REMOTE_ADDR_HEADER] = req.socket.remoteAddress ?? "";
    socket.on("error", () => undefined);
    if (!handleExecUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, hostname, () => resolve());
  });
  return { port: (server.address() as AddressInfo).port, close: () => closeServer(server, app.close.bind(app)) };
}

async function closeServer(server: Server, closeApp: () => Promise<void>): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections(); // polling browsers keep connections alive; don't wait for them
  await closed;
  await closeApp();
}
