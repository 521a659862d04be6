/** `attach` and `resize`: clients connected to a container's stdio, and its pty's size. */
import { conflict } from "../errors.js";
import { isRunning } from "./container.js";
import { syncAttachRelay } from "./attach-relay.js";
import type { AttachSink, LiveRegistry } from "./live.js";

export type { AttachSink } from "./live.js";

export interface AttachHandle {
  tty: boolean;
  /** data the client typed, for the container's stdin (dropped unless the container has OpenStdin) */
  stdin(data: Buffer): void;
  /** the client's stdin ended: closes the container's stdin when it has StdinOnce */
  stdinEnded(): void;
  detach(): void;
}

export function attachContainer(registry: LiveRegistry, ref: string, sink: AttachSink): AttachHandle {
  const live = registry.find(ref);
  live.sinks.add(sink);
  syncAttachRelay(live);
  const { OpenStdin, StdinOnce, Tty } = live.record.config;
  return {
    tty: Tty,
    stdin: (data) => {
      if (!OpenStdin) return;
      if (live.task) live.task.writeStdin(data);
      else live.pendingStdin.push(data);
    },
    stdinEnded: () => {
      if (!OpenStdin || !StdinOnce) return;
      if (live.task) live.task.closeStdin();
      else live.pendingClose = true;
    },
    detach: () => {
      live.sinks.delete(sink);
      syncAttachRelay(live);
    },
  };
}

export function resizeContainer(registry: LiveRegistry, ref: string, rows: number, cols: number): void {
  const live = registry.find(ref);
  if (!live.task || !isRunning(live.record)) {
    throw conflict(`Container ${live.record.id} is not running`);
  }
  live.task.resize(rows, cols);
}
