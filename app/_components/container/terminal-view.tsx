"use client";
/**
 * The Terminal tab: xterm.js over a WebSocket to an exec with a pty in the container (protocol in
 * server/ws/terminal-protocol.ts). `containers.exec` creates the exec (authorised and audited), then the socket
 * attaches to it. The terminal follows the size of its box (and so of the window), says when the session ends and
 * with which exit code, and says plainly when the WebSocket cannot get through (a reverse proxy that drops upgrades).
 */
import "@xterm/xterm/css/xterm.css";
import { useMutation } from "@tanstack/react-query";
import type { FitAddon } from "@xterm/addon-fit";
import type { Terminal } from "@xterm/xterm";
import { useEffect, useRef, useState } from "react";
import { execSocketPath, RECORDING_NOTICE } from "@/server/ws/terminal-protocol";
import { useTRPC } from "../../_trpc/client";
import { buttonClass } from "../confirm-dialog";
import { connectTerminal, type TerminalPhase } from "./terminal-connection";

export function TerminalView({ id, name, running }: { id: string; name: string; running: boolean }) {
  const trpc = useTRPC();
  const box = useRef<HTMLDivElement>(null);
  const term = useRef<{ terminal: Terminal; fit: FitAddon } | null>(null);
  const socket = useRef<WebSocket | null>(null);
  const [ready, setReady] = useState(false);
  const [command, setCommand] = useState("sh");
  const [phase, setPhase] = useState<TerminalPhase>({ kind: "idle" });
  const exec = useMutation(trpc.containers.exec.mutationOptions());

  useEffect(() => {
    let disposed = false;
    void (async () => {
      const [{ Terminal }, { FitAddon }] = await Promise.all([import("@xterm/xterm"), import("@xterm/addon-fit")]);
      if (disposed || !box.current) return;
      const terminal = new Terminal({ cursorBlink: true, fontSize: 13, scrollback: 5000, theme: { background: "#09090b" } });
      const fit = new FitAddon();
      terminal.loadAddon(fit);
      terminal.open(box.current);
      fit.fit();
      term.current = { terminal, fit };
      setReady(true);
    })();
    return () => {
      disposed = true;
      socket.current?.close();
      term.current?.terminal.dispose();
      term.current = null;
    };
  }, []);

  // The box follows the window; the pty follows the box.
  useEffect(() => {
    const el = box.current;
    if (!el || !ready) return;
    const observer = new ResizeObserver(() => term.current?.fit.fit());
    observer.observe(el);
    return () => observer.disconnect();
  }, [ready]);

  async function start() {
    const current = term.current;
    if (!current) return;
    socket.current?.close();
    current.terminal.reset();
    setPhase({ kind: "starting" });
    try {
      const argv = command.trim().split(/\s+/).filter(Boolean);
      const session = await exec.mutateAsync({ id, command: argv.length ? argv : ["sh"] });
      socket.current = connectTerminal(execSocketPath(session.execId), current.terminal, setPhase);
    } catch (err) {
      setPhase({ kind: "failed", message: (err as Error).message });
    }
  }

  // Open a session as soon as the terminal is drawn, like `docker exec -it … sh`.
  const autoStarted = useRef(false);
  useEffect(() => {
    if (!ready || !running || autoStarted.current) return;
    autoStarted.current = true;
    void start();
  }, [ready, running]); // start is not a dependency: the ref makes this run once, when both are true

  const live = phase.kind === "starting" || phase.kind === "connecting" || phase.kind === "open";
  return (
    <div className="flex flex-col gap-2">
      <form
        className="flex flex-wrap items-center gap-2 text-sm"
        onSubmit={(e) => {
          e.preventDefault();
          void start();
        }}
      >
        <label className="flex items-center gap-2">
          Command
          <input value={command} onChange={(e) => setCommand(e.target.value)} className="w-40 rounded-md border border-zinc-300 bg-white px-2 py-1 font-mono dark:border-zinc-700 dark:bg-zinc-900" />
        </label>
        <button type="submit" disabled={!ready || !running || live} className={buttonClass("secondary")}>
          {phase.kind === "idle" ? "Connect" : "Reconnect"}
        </button>
        <PhaseText phase={phase} name={name} running={running} />
      </form>
      <p role="note" className="text-xs text-amber-800 dark:text-amber-300">{RECORDING_NOTICE}</p>
      <div ref={box} aria-label={`Terminal in ${name}`} className="h-[60vh] min-h-64 overflow-hidden rounded-lg bg-zinc-950 p-2" />
    </div>
  );
}

function PhaseText({ phase, name, running }: { phase: TerminalPhase; name: string; running: boolean }) {
  if (!running && phase.kind !== "ended") return <span className="text-zinc-500">Container {name} is not running; start it to open a terminal.</span>;
  switch (phase.kind) {
    case "idle": return null;
    case "starting": return <span role="status" className="text-zinc-500">Starting a session…</span>;
    case "connecting": return <span role="status" className="text-zinc-500">Connecting…</span>;
    case "open": return <span role="status" className="text-emerald-700 dark:text-emerald-400">Connected</span>;
    case "ended":
      return (
        <span role="status" className="font-medium">
          Session ended{phase.exitCode === null ? " (exit code unknown)" : ` with exit code ${phase.exitCode}`}.
        </span>
      );
    case "failed": return <span role="alert" className="text-red-700 dark:text-red-400">{phase.message}</span>;
  }
}
