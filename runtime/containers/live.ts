/**
 * The live side of the engine's containers: each record plus what exists only while hakod runs (its task, attached
 * clients, waiters), found by ID, name or unique ID prefix.
 *
 * Operations that change one container run one at a time per container (`serialise`); reading, kill, attach and wait
 * never wait for them.
 */
import { EventEmitter } from "node:events";
import { conflict, invalidArgument, notFound } from "../errors.js";
import type { Task } from "../oci/executor.js";
import type { ContainerRecord } from "./container.js";

/** Where an attach client receives output. */
export interface AttachSink {
  stdout: boolean;
  stderr: boolean;
  write(stream: 1 | 2, data: Buffer): void;
  /** the container exited (or was removed): no more output */
  end(): void;
}

/**
 * A container while hakod runs. `events` emits "start", "exit" (the task ended, or a start failed) and "removed"
 * (the record is gone).
 */
export interface Live {
  record: ContainerRecord;
  task: Task | null;
  sinks: Set<AttachSink>;
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
