/**
 * A container's log, read from the engine: followed live for the Logs tab (batches of lines as they come), or whole
 * for a download. Both ask `GET /containers/{id}/logs` with timestamps, so each line knows when it was written.
 */
import type Docker from "dockerode";
import { engineCall, type Engine } from "../../engine/client";
import { chunksOf } from "../../engine/streams";
import { dockerTimestamp, LogLineReader, timeNs, type LogLine } from "./log-lines";

export interface FollowOptions {
  /** lines from the end to start with ("all" for the whole log) */
  tail: number | "all";
  /** resume after this line's time (RFC 3339): lines at or before it are not sent again */
  after?: string | undefined;
}

export interface LogBatch {
  lines: LogLine[];
  /** the time of the last line with one: where a reconnecting client resumes */
  cursor: string | null;
}

type LogQuery = { follow: boolean; timestamps: boolean; tail?: string; since?: string };

/** The log response as a stream; dockerode streams `logs` only when following, so this dials it directly. */
export function openLogStream(target: Engine, id: string, query: LogQuery): Promise<NodeJS.ReadableStream> {
  const options = { stdout: true, stderr: true, ...query };
  return engineCall(target, (docker: Docker) => new Promise<NodeJS.ReadableStream>((resolve, reject) => {
    docker.modem.dial(
      {
        path: `/containers/${encodeURIComponent(id)}/logs?`,
        method: "GET",
        options,
        isStream: true,
        statusCodes: { 200: true, 404: "no such container", 500: "server error" },
      },
      (err: unknown, stream: unknown) => (err ? reject(err) : resolve(stream as NodeJS.ReadableStream)),
    );
  }), { patient: true });
}

export async function isTtyContainer(target: Engine, id: string): Promise<boolean> {
  const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
  return info.Config.Tty;
}

/** Follows the log; ends when the engine ends the stream (the container stopped) or the reader goes away. */
export async function* followLogs(target: Engine, id: string, options: FollowOptions, signal?: AbortSignal): AsyncGenerator<LogBatch> {
  const tty = await isTtyContainer(target, id);
  const afterNs = options.after ? timeNs(options.after) : null;
  const query: LogQuery = { follow: true, timestamps: true };
  if (afterNs !== null) query.since = dockerTimestamp(afterNs);
  else query.tail = String(options.tail);

  const stream = await openLogStream(target, id, query);
  const reader = new LogLineReader(tty);
  const fresh = (line: LogLine) => afterNs === null || line.time === null || (timeNs(line.time) ?? 0n) > afterNs;
  for await (const chunk of chunksOf(target, stream, signal)) {
    const lines = reader.push(chunk).filter(fresh);
    if (lines.length) yield batchOf(lines);
  }
  const rest = reader.flush().filter(fresh);
  if (rest.length) yield batchOf(rest);
}

function batchOf(lines: LogLine[]): LogBatch {
  const last = lines.findLast((line) => line.time !== null);
  return { lines, cursor: last?.time ?? null };
}

/**
 * The whole log as the `docker logs` output would print it (stdout and stderr interleaved, escapes kept), optionally
 * with timestamps, for a download.
 */
export async function* logText(target: Engine, id: string, timestamps: boolean, signal?: AbortSignal): AsyncGenerator<Uint8Array> {
  const tty = await isTtyContainer(target, id);
  const stream = await openLogStream(target, id, { follow: false, timestamps: true });
  const reader = new LogLineReader(tty);
  const encode = (lines: LogLine[]) =>
    Buffer.from(lines.map((line) => `${timestamps && line.time ? `${line.time} ` : ""}${line.text}\n`).join(""));
  for await (const chunk of chunksOf(target, stream, signal)) {
    const lines = reader.push(chunk);
    if (lines.length) yield encode(lines);
  }
  const rest = reader.flush();
  if (rest.length) yield encode(rest);
}
