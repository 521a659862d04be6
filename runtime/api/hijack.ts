/**
 * Hijacked connections (attach, later exec): the client asks to upgrade (`Connection: Upgrade`, `Upgrade: tcp`),
 * dockerd answers `101 UPGRADED` and the connection becomes a raw byte stream both ways.
 */
import { fstatSync } from "node:fs";
import type { IncomingMessage } from "node:http";
import type { Socket } from "node:net";
import type { Engine, Logger } from "../engine.js";

export interface UpgradeCtx {
  req: IncomingMessage;
  socket: Socket;
  /** bytes the client sent after the request head (already its stream input) */
  head: Buffer;
  params: string[];
  query: URLSearchParams;
  engine: Engine;
  log: Logger;
  apiVersion: string;
}

export type UpgradeHandler = (ctx: UpgradeCtx) => Promise<void> | void;

export const RAW_STREAM = "application/vnd.docker.raw-stream";
export const MULTIPLEXED_STREAM = "application/vnd.docker.multiplexed-stream";

export function writeUpgraded(socket: Socket, contentType: string): void {
  socket.write(`HTTP/1.1 101 UPGRADED\r\nContent-Type: ${contentType}\r\nConnection: Upgrade\r\nUpgrade: tcp\r\n\r\n`);
}

/**
 * The descriptor and inode of a hijacked connection, for an executor to write a container's output to it directly
 * (Task.handOff); null once anything is still buffered for it here (it would be overtaken) or when it has none.
 * Node keeps the descriptor in the socket's handle (`_handle.fd`, not a public API: without it, null).
 */
export function connectionDescriptor(socket: Socket): { fd: number; id: number } | null {
  if (socket.destroyed || socket.writableEnded || socket.writableLength > 0) return null;
  const fd = (socket as unknown as { _handle?: { fd?: unknown } })._handle?.fd;
  if (typeof fd !== "number" || fd < 0) return null;
  try {
    const st = fstatSync(fd);
    return st.isSocket() ? { fd, id: st.ino } : null;
  } catch {
    return null;
  }
}

/** An error answer on a connection that was not upgraded after all. */
export function writeRawError(socket: Socket, status: number, message: string): void {
  const body = `${JSON.stringify({ message })}\n`;
  const reason = { 400: "Bad Request", 404: "Not Found", 405: "Method Not Allowed", 409: "Conflict" }[status] ??
    "Internal Server Error";
  socket.end(`HTTP/1.1 ${status} ${reason}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}` +
    `\r\nConnection: close\r\n\r\n${body}`);
}

/** The header of one frame of Docker's multiplexed stream (stream 1 stdout, 2 stderr). */
export function muxHeader(stream: number, length: number): Buffer {
  const h = Buffer.alloc(8);
  h.writeUInt8(stream, 0);
  h.writeUInt32BE(length, 4);
  return h;
}
