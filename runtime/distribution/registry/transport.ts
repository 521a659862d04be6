/**
 * One HTTP exchange with a registry or token server over node:http/https, with keep-alive connections. No retries or
 * auth here (client.ts adds them); errors are the socket's own, classified by {@link isRetryable} and
 * {@link isPlainHttpAnswer}.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from "node:http";
import { Agent as HttpsAgent, request as httpsRequest } from "node:https";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";

export interface SendOptions {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  /** the body; a Readable is consumed, so a caller that retries passes a fresh one each time */
  body?: Buffer | Readable;
  /** HTTPS without certificate verification (insecure registries only) */
  insecureTls?: boolean;
  /** idle socket timeout */
  timeoutMs?: number;
}

const httpAgent = new HttpAgent({ keepAlive: true, maxSockets: 32 });
const httpsAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32 });
const httpsInsecureAgent = new HttpsAgent({ keepAlive: true, maxSockets: 32, rejectUnauthorized: false });

const DEFAULT_TIMEOUT_MS = 60_000;

export function send(opts: SendOptions): Promise<IncomingMessage> {
  const https = opts.url.protocol === "https:";
  const request = https ? httpsRequest : httpRequest;
  const agent = https ? (opts.insecureTls ? httpsInsecureAgent : httpsAgent) : httpAgent;
  const headers: Record<string, string> = { ...opts.headers };
  if (Buffer.isBuffer(opts.body)) headers["Content-Length"] = String(opts.body.length);
  else if (!opts.body && ["POST", "PUT", "PATCH"].includes(opts.method)) headers["Content-Length"] = "0";
  return new Promise((resolve, reject) => {
    const req = request(opts.url, { method: opts.method, headers, agent }, (res) => {
      res.setTimeout?.(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS);
      resolve(res);
    });
    req.setTimeout(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS, () => {
      req.destroy(Object.assign(new Error(`${opts.method} ${opts.url.href}: no answer within ${(opts.timeoutMs ?? DEFAULT_TIMEOUT_MS) / 1000} s`), { code: "ETIMEDOUT" }));
    });
    req.on("error", reject);
    if (Buffer.isBuffer(opts.body)) req.end(opts.body);
    else if (opts.body) pipeline(opts.body, req).catch(reject);
    else req.end();
  });
}

/** Reads a whole (small) answer; more than `limit` bytes is an error. */
export async function readAll(res: IncomingMessage, limit = 8 << 20): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of res) {
    size += (chunk as Buffer).length;
    if (size > limit) {
      res.destroy();
      throw new Error(`answer larger than ${limit} bytes`);
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

/** Throws the rest of an answer away so the connection can be reused. */
export async function drain(res: IncomingMessage): Promise<string> {
  try {
    return (await readAll(res, 1 << 20)).toString("utf8");
  } catch {
    return "";
  }
}

const RETRYABLE = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT", "ECONNABORTED", "EHOSTUNREACH",
  "ENETUNREACH", "ERR_STREAM_PREMATURE_CLOSE", "UND_ERR_SOCKET"]);

/** A broken or refused connection, worth another attempt. */
export function isRetryable(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  if (!e) return false;
  if (e.code && RETRYABLE.has(e.code)) return true;
  return /socket hang up|aborted|premature close/i.test(e.message ?? "");
}

/** A TLS handshake answered in plain HTTP: the registry speaks HTTP only. */
export function isPlainHttpAnswer(err: unknown): boolean {
  const e = err as NodeJS.ErrnoException | undefined;
  return Boolean(e && (e.code === "EPROTO" || /wrong version number|packet length too long|http request/i.test(e.message ?? "")));
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

