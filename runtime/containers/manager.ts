/**
 * The container manager: the engine's containers, their lifecycle and their live connections. This class is the front
 * door; each verb lives in its own file (start.ts, stop.ts, kill.ts, pause.ts, remove.ts, wait.ts, attach.ts, …) and
 * the live registry in live.ts.
 *
 * Every change of a container is recorded (store.ts) before it is acknowledged, and a restart of hakod rebuilds this
 * view from those records (`init`, reconcile.ts).
 *
 * Operations that change one container (start, stop, remove, the clean-up after an exit) run one at a time per
 * container; reading, kill, attach and wait never wait for them. A task's exit is handled the moment it is reported
 * (exit.ts).
 */
import { crashPoint } from "../crash-points.js";
import { internal, invalidArgument } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import { chooseRuntime } from "../oci/runtimes.js";
import type { ImageUser } from "../store/image-store.js";
import { attachContainer, resizeContainer, type AttachHandle, type AttachSink } from "./attach.js";
import { isRunning, type ContainerRecord } from "./container.js";
import { directorySize } from "./dir-size.js";
import { newContainerId, newRecord, type CreateRequest } from "./create.js";
import { killContainer } from "./kill.js";
import { LiveRegistry } from "./live.js";
import type {
  LifecycleHooks, ManagerDeps, ManagerState, OnCreate, OnRemove, OnSpec, OnTaskExit, OnTaskStart, RemoveOptions,
} from "./manager-state.js";
import { randomName, validateName } from "./names.js";
import { pauseContainer, unpauseContainer } from "./pause.js";
import { reconcile } from "./reconcile.js";
import { removeContainer, removeDirectory } from "./remove.js";
import { restartContainer } from "./restart.js";
import { startContainer } from "./start.js";
import { stopContainer } from "./stop.js";
import { waitContainer, type WaitCondition, type WaitResult } from "./wait.js";
import type { Readable } from "node:stream";
import { copyFromContainer, copyToContainer, statPath, type CopyInOptions, type PathStat } from "./archive.js";
import { containerChanges, type Change } from "./changes.js";
import { commitContainer, type CommitRequest } from "./commit.js";
import { exportContainer } from "./export.js";
import { pruneContainers, type PruneFilters, type PruneReport } from "./prune.js";
import { renameContainer } from "./rename.js";
import { topContainer, type TopResult } from "./top.js";
import { updateContainer, type UpdateRequest } from "./update.js";

export type { AttachHandle, AttachSink } from "./attach.js";
export type { HostFacts, ManagerDeps, OnRemove, RemoveOptions } from "./manager-state.js";
export type { WaitCondition, WaitResult } from "./wait.js";

export class ContainerManager {
  private readonly registry = new LiveRegistry();
  private readonly hooks: LifecycleHooks = { onRemove: [], onCreate: [], onSpec: [], onTaskStart: [], onTaskExit: [] };
  /** what the verb files share */
  readonly state: ManagerState;

  constructor(private readonly deps: ManagerDeps) {
    this.state = { deps, registry: this.registry, hooks: this.hooks };
  }

  // ---- reading ----

  list(): ContainerRecord[] {
    return [...this.registry.all()].map((l) => l.record);
  }

  /** Finds a container by full ID, name (with or without "/") or unique ID prefix; NotFound in Docker's words. */
  get(ref: string): ContainerRecord {
    return this.registry.find(ref).record;
  }

  /** A container that uses the image (a running one if there is one), for the image store's in-use check. */
  imageUser(imageId: string): ImageUser | undefined {
    let user: ImageUser | undefined;
    for (const { record } of this.registry.all()) {
      if (record.imageId !== imageId) continue;
      if (isRunning(record)) return { containerId: record.id, running: true };
      user ??= { containerId: record.id, running: false };
    }
    return user;
  }

  counts(): { running: number; paused: number; stopped: number } {
    let running = 0;
    let paused = 0;
    let stopped = 0;
    for (const { record } of this.registry.all()) {
      if (record.state.status === "paused") paused++;
      else if (isRunning(record)) running++;
      else stopped++;
    }
    return { running, paused, stopped };
  }

  // ---- start-up ----

  /** Rebuilds the view from the records on disk and reconciles it with the tasks that still exist. */
  async init(): Promise<void> {
    const { store, log } = this.deps;
    await store.init();
    const { records, orphans } = await store.loadAll();
    for (const id of orphans) {
      log.warn("removing a container directory without a record (interrupted create)", { id });
      await removeDirectory(this.state, this.deps.layout.containerDir(id));
    }
    const lives = records.map((record) => this.registry.register(record));
    await Promise.all(lives.map((live) => reconcile(this.state, live)));
  }

  /** Registers a hook that runs after each removal (volumes use it for `rm -v` and AutoRemove). */
  onRemove(hook: OnRemove): void {
    this.hooks.onRemove.push(hook);
  }

  /** Registers hooks of the run options (volumes, security, health): see manager-state.ts for when each runs. */
  onCreate(hook: OnCreate): void {
    this.hooks.onCreate.push(hook);
  }

  onSpec(hook: OnSpec): void {
    this.hooks.onSpec.push(hook);
  }

  onTaskStart(hook: OnTaskStart): void {
    this.hooks.onTaskStart.push(hook);
  }

  onTaskExit(hook: OnTaskExit): void {
    this.hooks.onTaskExit.push(hook);
  }

  // ---- create ----

  async create(request: CreateRequest, name?: string): Promise<{ id: string; warnings: string[] }> {
    const { images, store, cgroups } = this.deps;
    let wanted = name ? validateName(name) : "";
    if (wanted) this.registry.assertNameFree(wanted);
    const imageRef = typeof request.Image === "string" ? request.Image : "";
    if (!imageRef) throw invalidArgument("No image specified");
    const image = await images.resolve(imageRef);
    const id = newContainerId();
    for (let retry = 0; !wanted; retry++) {
      const candidate = randomName(retry > 5 ? retry : 0);
      if (!this.registry.nameTaken(candidate)) wanted = candidate;
    }
    const record = newRecord({ id, name: wanted, request, imageId: image.id, image: image.config,
      swapLimit: cgroups.swapLimit });
    record.hostConfig.Runtime = chooseRuntime(request.HostConfig?.Runtime, this.deps.executor);
    // the name is taken synchronously, so two creates with one name cannot both pass the check
    this.registry.assertNameFree(wanted);
    this.registry.register(record);
    const undo: Array<() => Promise<void>> = [];
    try {
      for (const hook of this.hooks.onCreate) {
        const u = await hook(record);
        if (u) undo.push(u);
      }
    } catch (err) {
      this.registry.forget(id);
      for (const u of undo.reverse()) await u().catch(() => undefined);
      throw err;
    }
    try {
      await store.create(record);
      crashPoint("create.after-record");
    } catch (err) {
      this.registry.forget(id);
      for (const u of undo.reverse()) await u().catch(() => undefined);
      throw internal(`recording the container: ${(err as Error).message}`, err);
    }
    this.deps.events?.publish(containerEvent(record, "create"));
    const warnings: string[] = [];
    if (record.hostConfig.Memory > 0 && !cgroups.swapLimit) {
      warnings.push("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
    }
    return { id, warnings };
  }

  // ---- lifecycle verbs ----

  /** Starts the container; false when it was running already (the API answers 304 then). */
  start(ref: string): Promise<boolean> {
    return startContainer(this.state, ref);
  }

  kill(ref: string, signal: string | undefined): Promise<void> {
    return killContainer(this.state, ref, signal);
  }

  /** Stops the container: its stop signal, then SIGKILL after `timeout` s; false when it was not running. */
  stop(ref: string, timeout: number | undefined, signal?: string): Promise<boolean> {
    return stopContainer(this.state, ref, timeout, signal);
  }

  restart(ref: string, timeout: number | undefined, signal?: string): Promise<void> {
    return restartContainer(this.state, ref, timeout, signal);
  }

  pause(ref: string): Promise<void> {
    return pauseContainer(this.state, ref);
  }

  unpause(ref: string): Promise<void> {
    return unpauseContainer(this.state, ref);
  }

  remove(ref: string, opts: RemoveOptions): Promise<void> {
    return removeContainer(this.state, ref, opts);
  }

  rename(ref: string, name: string): Promise<void> {
    return renameContainer(this.state, ref, name);
  }

  /** New limits and restart policy (live when running); returns dockerd's warnings. */
  update(ref: string, request: UpdateRequest): Promise<{ warnings: string[] }> {
    return updateContainer(this.state, ref, request);
  }

  prune(filters: PruneFilters): Promise<PruneReport> {
    return pruneContainers(this.state, filters, (id) => this.sizeRw(id));
  }

  // ---- inside the container: processes and files ----

  top(ref: string, psArgs: string): Promise<TopResult> {
    return topContainer(this.state, ref, psArgs);
  }

  changes(ref: string): Promise<Change[]> {
    return containerChanges(this.state, ref);
  }

  /** `send` streams the tar of the merged rootfs and resolves once delivered. */
  export(ref: string, send: (tar: Readable) => Promise<void>): Promise<void> {
    return exportContainer(this.state, ref, send);
  }

  statPath(ref: string, path: string): Promise<PathStat> {
    return statPath(this.state, ref, path);
  }

  copyFrom(ref: string, path: string, send: (stat: PathStat, tar: Readable) => Promise<void>): Promise<void> {
    return copyFromContainer(this.state, ref, path, send);
  }

  copyTo(ref: string, path: string, body: AsyncIterable<Uint8Array>, opts: CopyInOptions): Promise<void> {
    return copyToContainer(this.state, ref, path, body, opts);
  }

  /** Commits the container's changes as a new image; returns its ID. */
  commit(ref: string, request: CommitRequest): Promise<string> {
    return commitContainer(this.state, ref, request);
  }

  // ---- wait, attach, resize ----

  /**
   * Registers a waiter now (so a start that follows cannot be missed) and returns the promise of its result and a
   * function that cancels it (the client went away).
   */
  wait(ref: string, condition: WaitCondition): { result: Promise<WaitResult>; cancel: () => void } {
    return waitContainer(this.registry, ref, condition);
  }

  attach(ref: string, sink: AttachSink): AttachHandle {
    const handle = attachContainer(this.registry, ref, sink);
    this.deps.events?.publish(containerEvent(this.registry.find(ref).record, "attach"));
    return handle;
  }

  resize(ref: string, rows: number, cols: number): void {
    resizeContainer(this.registry, ref, rows, cols);
    this.deps.events?.publish(containerEvent(this.registry.find(ref).record, "resize",
      { height: String(rows), width: String(cols) }));
  }

  logFile(ref: string): string {
    return this.deps.layout.containerLog(this.registry.find(ref).record.id);
  }

  /** The size of the container's writable layer (bytes), for `ps --size` / inspect `SizeRw`. */
  async sizeRw(id: string): Promise<number> {
    return directorySize(this.deps.layout.upperDir(id));
  }

  /** Lets go of every task without touching the containers (they keep running; a restart re-adopts them). */
  shutdown(): void {
    for (const live of this.registry.all()) live.task?.release();
  }
}
