/**
 * The live side of the engine's containers: each record plus what exists only while hakod runs (its task, attached
 * clients, waiters), found by ID, name or unique ID prefix.
 *
 * Operations that change one container run one at a time per container (`serialise`); reading, kill, attach and wait
 * never wait for them.
 */
import { EventEmitter } from "node:events";
import { conflict, invalidArgument, notFound } from "../errors.js";
import type { OutputHandOff, Task } from "../oci/executor.js";
import type { AttachRelay } from "./attach-relay.js";
import type { ContainerRecord } from "./container.js";

/** Where an attach client receives output. */
export interface AttachSink {
  stdout: boolean;
  stderr: boolean;
  /** false: the client is congested; output to every sink then pauses until `onDrain`'s callback runs */
  write(stream: 1 | 2, data: Buffer): boolean | void;
  /** runs `done` once, when a congested client can take more (without it, a sink is never waited for) */
  onDrain?(done: () => void): void;
  /** the container exited (or was removed): no more output */
  end(): void;
  /**
   * The client's connection, when the executor may write the output to it directly (Task.handOff) right now; null
   * when not (nothing may be written behind what hakod still buffers for it). Absent: always relayed.
   */
  handOff?(): OutputHandOff | null;
}

/**
 * A container while hakod runs. `events` emits "start", "exit" (the task ended, or a start failed) and "removed"
 * (the record is gone).
 */
export interface Live {
  record: ContainerRecord;
  task: Task | null;
  sinks: Set<AttachSink>;
  /** the task's output to the sinks, while there are both (attach-relay.ts) */
  relay: AttachRelay | null;
  /** sinks whose connection the task writes to itself (asked, or taken), with the task and the connection's id */
  handedOff: Map<AttachSink, { task: Task; id: number }>;
  pendingStdin: Buffer[];
  pendingClose: boolean;
  events: EventEmitter;
  /** tail of the chain of operations that change this container */
  lock: Promise<unknown>;
  removed: boolean;
}

export class LiveRegistry {
  private readonly byId = new Map<string, Live>();
  private readonly names = new Map<string, string>();

  all(): IterableIterator<Live> {
    return this.byId.values();
  }

  byExactId(id: string): Live | undefined {
    return this.byId.get(id);
  }

  /** Finds a container by full ID, name (with or without "/") or unique ID prefix; NotFound in Docker's words. */
  find(ref: string): Live {
    if (!ref) throw notFound("No such container: ");
    const exact = this.byId.get(ref);
    if (exact) return exact;
    const byName = this.names.get(ref.startsWith("/") ? ref.slice(1) : ref);
    if (byName) return this.byId.get(byName) as Live;
    if (/^[0-9a-f]+$/.test(ref)) {
      const matches = [...this.byId.keys()].filter((id) => id.startsWith(ref));
      if (matches.length === 1) return this.byId.get(matches[0] as string) as Live;
      if (matches.length > 1) throw invalidArgument(`multiple IDs found with provided prefix: ${ref}`);
    }
    throw notFound(`No such container: ${ref}`);
  }

  register(record: ContainerRecord): Live {
    const live: Live = {
      record,
      task: null,
      sinks: new Set(),
      relay: null,
      handedOff: new Map(),
      pendingStdin: [],
      pendingClose: false,
      events: new EventEmitter(),
      lock: Promise.resolve(),
      removed: false,
    };
    live.events.setMaxListeners(0);
    this.byId.set(record.id, live);
    this.names.set(record.name, record.id);
    return live;
  }

  /** Drops the container from the view (its name becomes free). */
  forget(id: string): void {
    const live = this.byId.get(id);
    this.byId.delete(id);
    if (live && this.names.get(live.record.name) === id) this.names.delete(live.record.name);
  }

  nameTaken(name: string): boolean {
    return this.names.has(name);
  }

  assertNameFree(name: string): void {
    const holder = this.names.get(name);
    if (holder) {
      throw conflict(`Conflict. The container name "/${name}" is already in use by container "${holder}". ` +
        "You have to remove (or rename) that container to be able to reuse that name.");
    }
  }

  /** Moves a container to a new name (the caller checked that it is free). */
  rename(live: Live, name: string): void {
    if (this.names.get(live.record.name) === live.record.id) this.names.delete(live.record.name);
    live.record.name = name;
    this.names.set(name, live.record.id);
  }
}

/** Runs `op` after every earlier operation on the container has settled. */
export function serialise<T>(live: Live, op: () => Promise<T>): Promise<T> {
  const next = live.lock.catch(() => undefined).then(op);
  live.lock = next.catch(() => undefined);
  return next;
}
