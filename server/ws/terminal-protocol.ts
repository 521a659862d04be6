/**
 * The terminal's WebSocket protocol, shared by the browser (app/_components/container/terminal-view.tsx) and the
 * server (./exec-socket.ts).
 *
 * URL: `/api/ws/exec/<exec ID>` — the exec that `containers.exec` created for this user, attached once.
 * Binary frames carry the pty's bytes, both ways. Text frames carry one JSON control message:
 * - browser → server: `{"type":"resize","cols":80,"rows":24}`
 * - server → browser: `{"type":"exit","exitCode":0}` (then the server closes) or `{"type":"error","message":"…"}`
 *   (then it closes with one of the CLOSE codes below).
 */

export const EXEC_SOCKET_PREFIX = "/api/ws/exec/";

/**
 * Every session is recorded (input and output, as an asciicast; see server/services/audit/transcript-recorder.ts) up to
 * this many bytes of transcript; what follows is not kept and the transcript says it was truncated.
 */
export const TRANSCRIPT_CAP_BYTES = 1024 * 1024;
export const RECORDING_NOTICE =
  "This session is recorded: everything typed (passwords included) and shown is kept for admins to replay. Recording capped at 1 MiB; truncated beyond.";

export type ClientControl = { type: "resize"; cols: number; rows: number };
export type ServerControl = { type: "exit"; exitCode: number | null } | { type: "error"; message: string };

/** Close codes in the application range (4000–4999), after HTTP's statuses. */
export const CLOSE = { ended: 1000, unauthenticated: 4401, forbidden: 4403, notFound: 4404, conflict: 4409, engine: 4502 } as const;

export function execSocketPath(execId: string): string {
  return `${EXEC_SOCKET_PREFIX}${encodeURIComponent(execId)}`;
}

export function parseClientControl(text: string): ClientControl | null {
  try {
    const msg = JSON.parse(text) as Partial<ClientControl>;
    const valid = (n: unknown): n is number => typeof n === "number" && Number.isInteger(n) && n > 0 && n <= 1000;
    if (msg.type === "resize" && valid(msg.cols) && valid(msg.rows)) return { type: "resize", cols: msg.cols, rows: msg.rows };
  } catch {
    // not JSON: ignored like any unknown control message
  }
  return null;
}

export function parseServerControl(text: string): ServerControl | null {
  try {
    const msg = JSON.parse(text) as Partial<{ type: string; exitCode: unknown; message: unknown }>;
    if (msg.type === "exit") return { type: "exit", exitCode: typeof msg.exitCode === "number" ? msg.exitCode : null };
    if (msg.type === "error") return { type: "error", message: String(msg.message ?? "The terminal failed.") };
  } catch {
    // not a control message
  }
  return null;
}
