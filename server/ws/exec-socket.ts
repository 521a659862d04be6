/**
 * The terminal's WebSocket endpoint (protocol in ./terminal-protocol.ts), attached to the console's HTTP server on
 * `upgrade`. It is an edge like the tRPC route handler: it resolves the session cookie, applies the permission matrix
 * (`container.exec`) and records refusals, the attach and the end of every session (with its exit code) through the one
 * audit path. The exec was authorised and audited by the `containers.exec` procedure that created it. Every session is
 * recorded into an ExecTranscript (../services/audit/transcript-recorder.ts), named in its attach and end rows.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import { WebSocketServer, type RawData, type WebSocket } from "ws";
import { recordAudit, type AuditEntry } from "../audit/record";
import { readCookie, SESSION_COOKIE } from "../auth/cookie";
import type { Principal } from "../auth/principal";
import { resolveSession } from "../auth/sessions";
import { openDatabase, type Db } from "../db";
import { engine } from "../engine/client";
import { requestInfoFromHeaders, type RequestInfo } from "../http/request-info";
import { ServiceError } from "../services/errors";
import { attachExec, claimExecSession, type ExecSession } from "../services/containers/exec-session";
import { requireAnywhere, requireInScope, standingOf } from "../services/teams/standing";
import { TranscriptRecorder } from "../services/audit/transcript-recorder";
import { asConsoleRequest } from "../services/engine-audit/console-origin";
import { CLOSE, EXEC_SOCKET_PREFIX, parseClientControl, TRANSCRIPT_CAP_BYTES, type ServerControl } from "./terminal-protocol";

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
    await requireAnywhere(db, principal, "container.exec");
    session = claimExecSession(execId, principal);
    // Team roles may have changed since the exec was created: the container's team is checked again.
    requireInScope(await standingOf(db, principal), "container.exec", session.team ?? null, `Container ${session.containerName}`);
  } catch (err) {
    const error = err instanceof ServiceError ? err : new ServiceError("Unavailable", "The terminal could not be opened.");
    const denied = error.kind === "PermissionDenied" || error.kind === "Unauthenticated";
    await audit({ actor: actorOf(principal), team: session?.team ?? null, params: { execId }, outcome: denied ? "denied" : "error", message: error.message });
    return refuse(ws, error);
  }
  await bridge(ws, session, request, principal, db, early);
}

async function bridge(ws: WebSocket, session: ExecSession, request: RequestInfo, principal: Principal, db: Db, early: [RawData, boolean][]): Promise<void> {
  const target = engine();
  const execAudit = (message: string, params: Record<string, unknown>, outcome: "ok" | "error") =>
    recordAudit(db, {
      actor: actorOf(principal),
      action: "container.exec",
      target: { kind: "container", id: session.containerId, name: session.containerName },
      team: session.team ?? null,
      params: { execId: session.execId, command: session.command, ...params },
      outcome,
      message,
      source: request,
    });

  // Every session is recorded (RECORDING_NOTICE); the rows of its start and end name the transcript.
  const recorder = await TranscriptRecorder.start(db, {
    userId: principal.id,
    userName: principal.name,
    containerId: session.containerId,
    containerName: session.containerName,
    execId: session.execId,
    command: session.command,
    team: session.team ?? null,
    ...initialSize(early),
  }).catch((err: unknown) => new ServiceError("Unavailable", `The session could not be recorded: ${(err as Error).message}`));
  if (recorder instanceof ServiceError) {
    await execAudit(`terminal failed to start: ${recorder.message}`, { exitCode: null }, "error");
    return refuse(ws, recorder);
  }
  const transcriptId = recorder.id;
  await execAudit(`terminal opened; recording transcript ${transcriptId}`, { phase: "attach", transcriptId }, "ok");

  // The attach names this request to the engine, so the engine-socket watcher knows the exec's events for the console's.
  const attached = await asConsoleRequest(request.requestId, () => attachExec(target, session.execId)).catch((err: unknown) =>
    err instanceof ServiceError ? err : new ServiceError("Unavailable", String(err)),
  );
  if (attached instanceof ServiceError) {
    await recorder.finish(null);
    await execAudit(`terminal failed to start: ${attached.message}`, { exitCode: null, transcriptId }, "error");
    return refuse(ws, attached);
  }
  const { stream } = attached;
  let browserLeft = ws.readyState !== ws.OPEN;
  if (browserLeft) stream.destroy(); // gone while the exec was being attached
  const onMessage = (data: RawData, isBinary: boolean) => {
    if (isBinary) {
      const bytes = Buffer.isBuffer(data) ? data : Buffer.concat(Array.isArray(data) ? data : [Buffer.from(data)]);
      recorder.input(bytes);
      stream.write(bytes);
    } else {
      const control = parseClientControl(data.toString());
      if (!control) return;
      recorder.resize(control.cols, control.rows);
      attached.resize(control.cols, control.rows).catch(() => undefined); // a lost resize only misdraws
    }
  };
  ws.removeAllListeners("message");
  for (const [data, isBinary] of early.splice(0)) onMessage(data, isBinary);
  ws.on("message", onMessage);
  ws.on("close", () => {
    browserLeft = true;
    stream.destroy(); // closes the pty's input: the shell sees EOF / SIGHUP and ends
  });
  stream.on("data", (chunk: Buffer) => {
    recorder.output(chunk);
    if (ws.readyState === ws.OPEN) ws.send(chunk, { binary: true });
  });
  await new Promise<void>((resolve) => {
    stream.once("close", resolve);
    stream.once("end", resolve);
    stream.once("error", () => resolve());
  });
  const exitCode = await attached.exitCode();
  await recorder.finish(exitCode);
  const how = browserLeft ? "closed by the browser" : "ended";
  const cut = recorder.truncated ? `; transcript truncated at the ${TRANSCRIPT_CAP_BYTES / (1024 * 1024)} MiB cap` : "";
  await execAudit(`terminal ${how}; exit code ${exitCode ?? "unknown"}${cut}`, { exitCode, transcriptId }, "ok");
  send(ws, { type: "exit", exitCode });
  ws.close(CLOSE.ended, "session ended");
}

/** The size the browser announced before the exec was attached (it sends one on open), else a classic 80×24. */
function initialSize(early: [RawData, boolean][]): { cols: number; rows: number } {
  for (const [data, isBinary] of early) {
    const control = isBinary ? null : parseClientControl(data.toString());
    if (control) return { cols: control.cols, rows: control.rows };
  }
  return { cols: 80, rows: 24 };
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
