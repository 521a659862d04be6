/**
 * The browser's end of a terminal session: a WebSocket wired to an xterm.js terminal. Keystrokes go out as binary
 * frames, pty output comes back as binary frames, control messages (resize, exit, error) as JSON text frames.
 */
import type { Terminal } from "@xterm/xterm";
import { parseServerControl } from "@/server/ws/terminal-protocol";

export type TerminalPhase =
  | { kind: "idle" }
  | { kind: "starting" }
  | { kind: "connecting" }
  | { kind: "open" }
  | { kind: "ended"; exitCode: number | null }
  | { kind: "failed"; message: string };

/** A proxy that drops upgrades usually fails at once; one that holds them open is given this long. */
const OPEN_TIMEOUT_MS = 10_000;

export const BLOCKED_MESSAGE =
  "The terminal's WebSocket could not connect. If the console is behind a reverse proxy, let it pass WebSocket " +
  "upgrades for /api/ws/ (nginx: proxy_http_version 1.1; proxy_set_header Upgrade $http_upgrade; " +
  'proxy_set_header Connection "upgrade").';

export function connectTerminal(path: string, terminal: Terminal, setPhase: (phase: TerminalPhase) => void): WebSocket {
  const protocol = window.location.protocol === "https:" ? "wss:" : "ws:";
  const ws = new WebSocket(`${protocol}//${window.location.host}${path}`);
  ws.binaryType = "arraybuffer";
  const encoder = new TextEncoder();
  let opened = false;
  let finished = false;
  setPhase({ kind: "connecting" });

  const timer = setTimeout(() => {
    if (!opened) ws.close();
  }, OPEN_TIMEOUT_MS);
  const sendSize = () => {
    if (ws.readyState === WebSocket.OPEN) ws.send(JSON.stringify({ type: "resize", cols: terminal.cols, rows: terminal.rows }));
  };
  const subscriptions = [
    terminal.onData((data) => ws.readyState === WebSocket.OPEN && ws.send(encoder.encode(data))),
    terminal.onBinary((data) => ws.readyState === WebSocket.OPEN && ws.send(Uint8Array.from(data, (c) => c.charCodeAt(0)))),
    terminal.onResize(sendSize),
  ];

  ws.onopen = () => {
    opened = true;
    clearTimeout(timer);
    setPhase({ kind: "open" });
    sendSize();
    terminal.focus();
  };
  ws.onmessage = (event: MessageEvent<ArrayBuffer | string>) => {
    if (typeof event.data !== "string") {
      terminal.write(new Uint8Array(event.data));
      return;
    }
    const control = parseServerControl(event.data);
    if (control?.type === "exit") {
      finished = true;
      setPhase({ kind: "ended", exitCode: control.exitCode });
    } else if (control?.type === "error") {
      finished = true;
      setPhase({ kind: "failed", message: control.message });
    }
  };
  ws.onclose = (event) => {
    clearTimeout(timer);
    subscriptions.forEach((s) => s.dispose());
    if (finished) return;
    if (!opened) setPhase({ kind: "failed", message: BLOCKED_MESSAGE });
    else setPhase({ kind: "failed", message: `The connection to the terminal was lost (WebSocket closed with code ${event.code}). Reconnect to start a new session.` });
  };
  return ws;
}
