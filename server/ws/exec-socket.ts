/**
 * The terminal's WebSocket endpoint (protocol in ./terminal-protocol.ts), attached to the console's HTTP server on
 * `upgrade`. It is an edge like the tRPC route handler: it resolves the session cookie, applies the permission matrix
 * (`container.exec`) and records refusals and the end of every session (with its exit code) through the one audit
 * path. The start was authorised and audited by the `containers.exec` procedure that created the exec.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { recordAudit, type AuditEntry } from "../audit/record";
import { readCookie, SESSION_COOKIE } from "../auth/cookie";
import type { Principal } from "../auth/principal";
import { requirePermission } from "../auth/require-permission";
import { resolveSession } from "../auth/sessions";
import { openDatabase, type Db } from "../db";
import { engine } from "../engine/client";
import { requestInfoFromHeaders, type RequestInfo } from "../http/request-info";
import { ServiceError } from "../services/errors";
import { attachExec, claimExecSession, type ExecSession } from "../services/containers/exec-session";
import { CLOSE, EXEC_SOCKET_PREFIX, parseClientControl, type ServerControl } from "./terminal-protocol";

const wss = new WebSocketServer({ noServer: true, maxPayload: 1024 * 1024 });

const closeCodes: Partial<Record<ServiceError["kind"], number>> = {
  Unauthenticated: CLOSE.unauthenticated,
  PermissionDenied: CLOSE.forbidden,
  NotFound: CLOSE.notFound,
  Conflict: CLOSE.conflict,
};

/** Handles the upgrade if it is for a terminal and says so; other upgrades are left to other listeners. */
export function handleExecUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
  const path = new URL(req.url ?? "/", "http://console").pathname;
  if (!path.startsWith(EXEC_SOCKET_PREFIX)) return false;
  if (!sameOrigin(req)) {
    // Another site's page may not open a terminal with this browser's cookie (cross-site WebSocket hijacking).
    socket.end("HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Length: 0\r\n\r\n");
    return true;
  }
  const execId = decodeURIComponent(path.slice(EXEC_SOCKET_PREFIX.length));
  wss.handleUpgrade(req, socket, head, (ws) => {
    // The browser sends its size as soon as the socket opens, before the exec is attached: keep it for then.
    const early: [RawData, boolean][] = [];
    ws.on("message", (data: RawData, isBinary: boolean) => early.push([data, isBinary]));
    void serve(ws, req, execId, early);
  });
  return true;
}

function sameOrigin(req: IncomingMessage): boolean {
  const origin = req.headers.origin;
  if (!origin) return true; // not a browser: no ambient cookie to abuse
  try {
    return new URL(origin).host === req.headers.host;
  } catch {
    return false;
  }
}

async function serve(ws: WebSocket, req: IncomingMessage, execId: string, early: [RawData, boolean][]): Promise<void> {
  const db = await openDatabase();
  const request = requestInfoFromHeaders({ get: (name) => headerOf(req, name) });
  const audit = (entry: Omit<AuditEntry, "action" | "source">) => recordAudit(db, { ...entry, action: "container.exec", source: request });
  let principal: Principal | null = null;
  let session: ExecSession | null = null;
  try {
    principal = await principalOf(db, req);
    requirePermission(principal, "container.exec");
    session = claimExecSession(execId, principal);
  } catch (err) {
    const error = err instanceof ServiceError ? err : new ServiceError("Unavailable", "The terminal could not be opened.");
    const denied = error.kind === "PermissionDenied" || error.kind === "Unauthenticated";
    await audit({ actor: actorOf(principal), params: { execId }, outcome: denied ? "denied" : "error", message: error.message });
    return refuse(ws, error);
  }
  await bridge(ws, session, request, principal, db, early);
}

async function bridge(ws: WebSocket, session: ExecSession, request: RequestInfo, principal: Principal, db: Db, early: [RawData, boolean][]): Promise<void> {
  const target = engine();
  const endAudit = (message: string, exitCode: number | null, outcome: "ok" | "error") =>
    recordAudit(db, {
      actor: actorOf(principal),
      action: "container.exec",
      target: { kind: "container", id: session.containerId, name: session.containerName },
      params: { execId: session.execId, command: session.command, exitCode },
      outcome,
      message,
      source: request,
    });

  const attached = await attachExec(target, session.execId).catch((err: unknown) =>
    err instanceof ServiceError ? err : new ServiceError("Unavailable", String(err)),
  );
  if (attached instanceof ServiceError) {
    await endAudit(`terminal failed to start: ${attached.message}`, null, "error");
    return refuse(ws, attached);
  }
  const { stream } = attached;
  let browserLeft = ws.readyState !== ws.OPEN;
  if (browserLeft) stream.destroy(); // gone while the exec was being attached
  const onMessage = (data: RawData, isBinary: boolean) => {
    if (isBinary) stream.write(Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]));
    else {
      const control = parseClientControl(data.toString());
      if (control) attached.resize(control.cols, control.rows).catch(() => undefined); // a lost resize only misdraws
    }
  };
  ws.removeAllListeners("message");
  for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
  ws.on("message", onMessage);
  ws.on("close", () => {
    browserLeft = true;
    stream.destroy(); // closes the pty's input: the shell sees EOF / SIGHUP and ends
  });
  stream.on("data", (chunk: Buffer) => ws.readyState === ws.OPEN && ws.send(chunk, { binary: true }));
  await new Promise<void>((resolve) => {
    stream.once("close", resolve);
    stream.once("end", resolve);
    stream.once("error", () => resolve());
  });
  const exitCode = await attached.exitCode();
  const how = browserLeft ? "closed by the browser" : "ended";
  await endAudit(`terminal ${how}; exit code ${exitCode ?? "unknown"}`, exitCode, "ok");
  send(ws, { type: "exit", exitCode });
  ws.close(CLOSE.ended, "session ended");
}

function refuse(ws: WebSocket, error: ServiceError): void {
  send(ws, { type: "error", message: error.message });
  ws.close(closeCodes[error.kind] ?? CLOSE.engine, error.kind);
}

function send(ws: WebSocket, message: ServerControl): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(message));
}

async function principalOf(db: Db, req: IncomingMessage): Promise<Principal> {
  const session = await resolveSession(db, readCookie(req.headers.cookie, SESSION_COOKIE));
  if (!session) throw new ServiceError("Unauthenticated", "Sign in to use the terminal.");
  return session.principal;
}

function actorOf(principal: Principal | null): AuditEntry["actor"] {
  return principal && { id: principal.id, name: principal.name, role: principal.role };
}

function headerOf(req: IncomingMessage, name: string): string | null {
  const value = req.headers[name.toLowerCase()];
  return Array.isArray(value) ? (value[0] ?? null) : (value ?? null);
}
