/**
 * A request over the engine's socket whose answer is still to come (attach, wait, events): the test can wait until
 * hakod has *answered* — sent the status line and headers — before it acts. hakod registers an attach, a wait or an
 * events subscription before it sends the headers (runtime/api/container-attach.ts, containers.ts, events.ts), so
 * "answered" means "registered": what happens after it is heard, without guessing how long registration takes.
 */
import { request, type IncomingHttpHeaders } from "node:http";
import type { EngineHandle } from "./engine-harness.js";

export interface PendingAnswer {
  status: number;
  headers: IncomingHttpHeaders;
  body: Buffer;
}

export interface PendingRequest {
  /** resolves with the status once the status line and headers have come */
  answered: Promise<number>;
  /** the body received so far */
  body(): Buffer;
  /** resolves once the body so far contains `text` (rejects when the answer ends first or after `timeoutMs`) */
  waitFor(text: string | RegExp, timeoutMs?: number): Promise<void>;
  /** resolves with the whole answer when the body ends */
  ended: Promise<PendingAnswer>;
  /** closes the connection (for a stream that would not end by itself) */
  close(): void;
}

export function pendingRequest(engine: EngineHandle, method: string, path: string): PendingRequest {
  const chunks: Buffer[] = [];
  let done = false;
  let close = (): void => undefined;
  let answer: (status: number) => void = () => undefined;
  let fail: (err: Error) => void = () => undefined;
  const answered = new Promise<number>((resolve, reject) => {
    answer = resolve;
    fail = reject;
  });
  const ended = new Promise<PendingAnswer>((resolve, reject) => {
    const req = request({ socketPath: engine.socket, method, path }, (res) => {
      answer(res.statusCode ?? 0);
      res.on("data", (c: Buffer) => chunks.push(c));
      res.on("end", () => {
        done = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
      res.on("error", (err) => {
        done = true;
        reject(err);
      });
    });
    req.on("error", (err) => {
      done = true;
      fail(err);
      reject(err);
    });
    req.end();
    close = () => req.destroy();
  });
  // a stream the test closes ends in an error nobody awaits
  answered.catch(() => undefined);
  ended.catch(() => undefined);
  const body = (): Buffer => Buffer.concat(chunks);
  return {
    answered,
    body,
    ended,
    close: () => close(),
    async waitFor(text, timeoutMs = 30_000) {
      const deadline = Date.now() + timeoutMs;
      const has = (): boolean => (typeof text === "string" ? body().toString().includes(text) : text.test(body().toString()));
      while (!has()) {
        if (done) throw new Error(`${method} ${path} ended without ${text}: ${body().toString()}`);
        if (Date.now() > deadline) throw new Error(`no ${text} from ${method} ${path}: ${body().toString()}`);
        await new Promise((r) => setTimeout(r, 20));
      }
    },
  };
}
