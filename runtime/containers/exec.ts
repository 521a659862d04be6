/**
 * Execs: processes started inside a running container (`docker exec`), as dockerd keeps them.
 *
 * Terms:
 * - **exec**: one command to run in one container, created first (`POST /containers/{id}/exec` → its ID), started
 *   once (`POST /exec/{id}/start`), then running until its process exits; an exec is never started twice.
 * - **config**: what the client asked for (Docker's `ExecConfig`): the command, user, working dir, extra env, tty,
 *   which stdio streams to attach, privileged, detach keys.
 * - **exit code**: null until the process exited; 126/127 when it could not start (like dockerd: permission denied,
 *   not found), -1 never (a probe's timeout is the caller's to report).
 *
 * Lifecycle: created → running (a task of the executor: executor.ts) → exited. The record lives in hakod's memory:
 * exited execs are forgotten a few minutes after they end (dockerd does the same), and all of a container's when it is
 * removed. A running exec's shim outlives hakod like a container's; after a restart it is found again while it runs.
 */
import { randomBytes } from "node:crypto";
import { invalidArgument } from "../errors.js";
import type { Task } from "../oci/executor.js";

/** Docker's `ExecConfig` as hakod keeps it (the request's fields, defaults filled in). */
export interface ExecConfig {
  /** the command: entrypoint is Cmd[0], arguments the rest */
  cmd: string[];
  /** "" (the container's user), "name", "uid", "name:group", "uid:gid" */
  user: string;
  privileged: boolean;
  tty: boolean;
  attachStdin: boolean;
  attachStdout: boolean;
  attachStderr: boolean;
  /** KEY=value pairs added to (or replacing) the container's environment */
  env: string[];
  /** "" means the container's WorkingDir */
  workingDir: string;
  /** "" means Docker's default (ctrl-p,ctrl-q) */
  detachKeys: string;
}

export interface ExecRecord {
  id: string;
  containerId: string;
  config: ExecConfig;
  running: boolean;
  /** start was asked for (a second start is refused) */
  started: boolean;
  exitCode: number | null;
  /** pid of the process in the host's pid namespace (0 before it exists, or when re-adopted) */
  pid: number;
  task: Task | null;
  /** a size asked for before the process existed */
  pendingSize: { rows: number; cols: number } | null;
}

/** The request body of `POST /containers/{id}/exec`, as the docker CLI and dockerode send it. */
export interface ExecCreateRequest {
  User?: unknown;
  Privileged?: unknown;
  Tty?: unknown;
  AttachStdin?: unknown;
  AttachStdout?: unknown;
  AttachStderr?: unknown;
  DetachKeys?: unknown;
  Env?: unknown;
  WorkingDir?: unknown;
  Cmd?: unknown;
}

export function newExecId(): string {
  return randomBytes(32).toString("hex");
}

const stringList = (v: unknown, field: string): string[] => {
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v) || v.some((x) => typeof x !== "string")) throw invalidArgument(`${field} must be a list of strings`);
  return v as string[];
};

const str = (v: unknown, field: string): string => {
  if (v === undefined || v === null) return "";
  if (typeof v !== "string") throw invalidArgument(`${field} must be a string`);
  return v;
};

/** Checks and normalises the create request; InvalidArgument in dockerd's words. */
export function parseExecConfig(body: ExecCreateRequest): ExecConfig {
  const cmd = typeof body.Cmd === "string" ? [body.Cmd] : stringList(body.Cmd, "Cmd");
  if (cmd.length === 0) throw invalidArgument("No exec command specified");
  const env = stringList(body.Env, "Env");
  for (const e of env) {
    if (e === "" || e.startsWith("=")) throw invalidArgument(`invalid environment variable: ${e}`);
  }
  return {
    cmd,
    user: str(body.User, "User"),
    privileged: body.Privileged === true,
    tty: body.Tty === true,
    attachStdin: body.AttachStdin === true,
    attachStdout: body.AttachStdout === true,
    attachStderr: body.AttachStderr === true,
    env,
    workingDir: str(body.WorkingDir, "WorkingDir"),
    detachKeys: str(body.DetachKeys, "DetachKeys"),
  };
}

/** The words dockerd uses in exec events: `exec_create: sh -c true` (entrypoint, a space, the arguments). */
export function execCommandLine(config: ExecConfig): string {
  return `${config.cmd[0] ?? ""} ${config.cmd.slice(1).join(" ")}`;
}
