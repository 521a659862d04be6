/** Small helpers for the Docker API edge: the request context, reading bodies, writing JSON, Docker's parameters. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { invalidArgument } from "../errors.js";
import type { Engine, Logger } from "../engine.js";

export interface Ctx {
  req: IncomingMessage;
  res: ServerResponse;
  /** captures of the route's pattern (e.g. the image name or container ID) */
  params: string[];
  query: URLSearchParams;
  engine: Engine;
  log: Logger;
  /** API version of the request path ("1.41" when unversioned) */
  apiVersion: string;
}

export type Handler = (ctx: Ctx) => Promise<void> | void;

const MAX_JSON_BODY = 16 * 1024 * 1024;

export function readBody(req: IncomingMessage, limit = MAX_JSON_BODY): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on("data", (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        reject(invalidArgument("request body too large"));
        req.destroy();
        return;
      }
      chunks.push(c);
    });
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

/**
 * Reads a JSON body; undefined when the body is empty. Malformed JSON, or a content type other than JSON, is the
 * client's error (400), as with dockerd.
 */
export async function readJson<T>(req: IncomingMessage): Promise<T | undefined> {
  const body = await readBody(req);
  if (body.length === 0) return undefined;
  const ct = (req.headers["content-type"] ?? "").split(";")[0]?.trim().toLowerCase() ?? "";
  if (ct !== "" && ct !== "application/json" && !ct.endsWith("+json")) {
    throw invalidArgument(`unsupported Content-Type header (${ct}): must be 'application/json'`);
  }
  try {
    return JSON.parse(body.toString("utf8")) as T;
  } catch (err) {
    throw invalidArgument(`invalid JSON: ${(err as Error).message}`);
  }
}

export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = `${JSON.stringify(body)}\n`;
  res.writeHead(status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
  res.end(text);
}

export function sendStatus(res: ServerResponse, status: number): void {
  res.writeHead(status);
  res.end();
}

/** Docker's boolean query values: "", "0", "no", "false", "none" are false; anything else given is true. */
export function boolParam(q: URLSearchParams, name: string, dflt = false): boolean {
  const v = q.get(name);
  if (v === null) return dflt;
  return !["", "0", "no", "false", "none"].includes(v.trim().toLowerCase());
}

export function intParam(q: URLSearchParams, name: string): number | undefined {
  const v = q.get(name);
  if (v === null || v === "") return undefined;
  const n = Number(v);
  if (!Number.isInteger(n)) throw invalidArgument(`invalid value for "${name}": ${v}`);
  return n;
}

/**
 * Docker's `filters` parameter: a JSON map of name → values, either `{"status": ["exited"]}` or the form the CLI sends,
 * `{"status": {"exited": true}}`.
 */
export function parseFilters(q: URLSearchParams): Map<string, string[]> {
  const out = new Map<string, string[]>();
  const raw = q.get("filters");
  if (!raw) return out;
  let parsed: unknown;
  try {
    parsed = JSON.parse(raw);
  } catch (err) {
    throw invalidArgument(`invalid filter: ${(err as Error).message}`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw invalidArgument("invalid filter");
  for (const [k, v] of Object.entries(parsed as Record<string, unknown>)) {
    if (Array.isArray(v)) out.set(k, v.map(String));
    else if (v && typeof v === "object") out.set(k, Object.entries(v).filter(([, on]) => on).map(([x]) => x));
    else throw invalidArgument(`invalid filter '${k}'`);
  }
  return out;
}

export function assertFilters(filters: Map<string, string[]>, allowed: string[]): void {
  for (const k of filters.keys()) if (!allowed.includes(k)) throw invalidArgument(`invalid filter '${k}'`);
}
