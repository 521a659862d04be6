/**
 * Terminal sessions: an exec with a pty in a running container, created by the `containers.exec` procedure (which
 * authorises and audits the start) and attached once by the terminal's WebSocket (which audits the end with the exit
 * code).
 *
 * Terms: a **session** is one exec created for one user, waiting to be attached. It is kept in this process (the tRPC
 * route handler and the WebSocket server are the same process, see ../../cli/console-server.ts) for SESSION_TTL_MS;
 * attaching takes it out, so an exec ID cannot be attached twice or by someone else.
 */
import type { Duplex } from "node:stream";
import type { Principal } from "../../auth/principal";
import { engineCall, type Engine } from "../../engine/client";
import { ServiceError } from "../errors";

const SESSION_TTL_MS = 60_000;

export interface ExecSession {
  execId: string;
  containerId: string;
  containerName: string;
  command: string[];
  userId: string | null;
  /** the container's team (its `hako.team` label), re-checked when the terminal attaches */
  team?: string | null;
  expiresAt: number;
}

const registry = globalThis as typeof globalThis & { hakoExecSessions?: Map<string, ExecSession> };
const sessions = (registry.hakoExecSessions ??= new Map());

export async function createExecSession(target: Engine, principal: Principal, id: string, command: string[], team: string | null = null): Promise<ExecSession> {
  const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
  const name = info.Name.replace(/^\//, "");
  if (!info.State.Running) throw new ServiceError("Conflict", `Container ${name} is not running; start it to open a terminal.`);
  if (info.State.Paused) throw new ServiceError("Conflict", `Container ${name} is paused; unpause it to open a terminal.`);
  const exec = await engineCall(target, (docker) =>
    docker.getContainer(info.Id).exec({
      Cmd: command,
      AttachStdin: true,
      AttachStdout: true,
      AttachStderr: true,
      Tty: true,
      Env: ["TERM=xterm-256color"],
    }),
  );
  return rememberExecSession({ execId: exec.id, containerId: info.Id, containerName: name, command, userId: principal.id, team });
}

/** Keeps a new session for its attach (and forgets expired ones). */
export function rememberExecSession(session: Omit<ExecSession, "expiresAt">, now = Date.now()): ExecSession {
  for (const [key, old] of sessions) if (old.expiresAt < now) sessions.delete(key);
  const kept = { ...session, expiresAt: now + SESSION_TTL_MS };
  sessions.set(session.execId, kept);
  return kept;
}

/** Takes the session out of the registry for its one attach; refuses an unknown, expired or someone else's one. */
export function claimExecSession(execId: string, principal: Principal): ExecSession {
  const session = sessions.get(execId);
  if (!session || session.expiresAt < Date.now()) {
    throw new ServiceError("NotFound", "This terminal session is unknown or has expired; open the terminal again.");
  }
  if (session.userId !== principal.id) throw new ServiceError("PermissionDenied", "This terminal session belongs to another user.");
  sessions.delete(execId);
  return session;
}

export interface AttachedExec {
  /** the pty's bytes both ways */
  stream: Duplex;
  resize(cols: number, rows: number): Promise<void>;
  /** after the stream ended: the exec's exit code, or null if the engine does not say */
  exitCode(): Promise<number | null>;
}

export async function attachExec(target: Engine, execId: string): Promise<AttachedExec> {
  const exec = target.patient.getExec(execId);
  const stream = (await engineCall(target, () => exec.start({ hijack: true, stdin: true, Tty: true }), { patient: true })) as Duplex;
  return {
    stream,
    resize: async (cols, rows) => {
      await engineCall(target, (docker) => docker.getExec(execId).resize({ w: cols, h: rows }));
    },
    exitCode: () => exitCodeOf(target, execId),
  };
}

/** The engine may record the exit a moment after the stream closes; ask a few times. */
async function exitCodeOf(target: Engine, execId: string): Promise<number | null> {
  for (let attempt = 0; attempt < 10; attempt++) {
    try {
      const info = await engineCall(target, (docker) => docker.getExec(execId).inspect());
      if (!info.Running && typeof info.ExitCode === "number") return info.ExitCode;
    } catch {
      return null;
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return null;
}
