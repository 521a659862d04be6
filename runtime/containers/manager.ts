/**
 * The container manager: the engine's containers, their lifecycle and their live connections.
 *
 * Every change of a container is recorded (store.ts) before it is acknowledged, and a restart of hakod rebuilds this
 * view from those records (`init`): a container recorded running is re-adopted when its task is still there, or
 * marked exited with the status the shim recorded (255 and an error when there is none).
 *
 * Operations that change one container (start, stop, remove, the clean-up after an exit) run one at a time per
 * container; reading, kill, attach and wait never wait for them. A task's exit is handled the moment it is reported:
 * waiters and attached clients hear of it at once, the clean-up (unmount, cgroup) follows in the background, and an
 * AutoRemove container is removed before `wait?condition=removed` returns.
 */
import { EventEmitter } from "node:events";
import { lstat, mkdir, readdir, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { conflict, internal, invalidArgument, notFound } from "../errors.js";
import type { Logger } from "../engine.js";
import type { Layout } from "../layout.js";
import type { Cgroups } from "../cgroups/cgroups.js";
import type { ExitStatus, Executor, Task } from "../oci/executor.js";
import { buildSpec, type OciMount } from "../oci/spec.js";
import { mountOverlay, mountsUnder, unmount } from "../snapshot/overlay.js";
import type { ImageStore, ImageUser } from "../store/image-store.js";
import { isRunning, rfc3339Nano, type ContainerRecord } from "./container.js";
import { newContainerId, newRecord, type CreateRequest } from "./create.js";
import { containerEnv, hostsFile, resolvConf } from "./env.js";
import { resolveInRoot } from "./in-root.js";
import { randomName, validateName } from "./names.js";
import { parseSignal } from "./signals.js";
import type { ContainerStore } from "./store.js";
import { resolveUserInRootfs } from "./user.js";

export interface HostFacts {
  /** capabilities the engine holds (its bounding set) */
  engineCapabilities: string[];
  /** the engine's hard rlimits by ulimit name */
  hardLimits: Record<string, number>;
  /** the host's /etc/resolv.conf */
  resolvConf: string;
}

export interface ManagerDeps {
  layout: Layout;
  images: ImageStore;
  executor: Executor;
  cgroups: Cgroups;
  store: ContainerStore;
  host: HostFacts;
  log: Logger;
}

/** Where an attach client receives output. */
export interface AttachSink {
  stdout: boolean;
  stderr: boolean;
  write(stream: 1 | 2, data: Buffer): void;
  /** the container exited (or was removed): no more output */
  end(): void;
}

export interface AttachHandle {
  tty: boolean;
  /** data the client typed, for the container's stdin (dropped unless the container has OpenStdin) */
  stdin(data: Buffer): void;
  /** the client's stdin ended: closes the container's stdin when it has StdinOnce */
  stdinEnded(): void;
  detach(): void;
}

export type WaitCondition = "not-running" | "next-exit" | "removed";

export interface WaitResult {
  StatusCode: number;
  Error: { Message: string } | null;
}

/** The live side of a container: its record plus what exists only while hakod runs. */
interface Live {
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

export class ContainerManager {
  private readonly byId = new Map<string, Live>();
  private readonly names = new Map<string, string>();

  constructor(private readonly deps: ManagerDeps) {}

  // ---- reading ----

  list(): ContainerRecord[] {
    return [...this.byId.values()].map((l) => l.record);
  }

  /** Finds a container by full ID, name (with or without "/") or unique ID prefix; NotFound in Docker's words. */
  get(ref: string): ContainerRecord {
    return this.live(ref).record;
  }

  /** A container that uses the image (a running one if there is one), for the image store's in-use check. */
  imageUser(imageId: string): ImageUser | undefined {
    let user: ImageUser | undefined;
    for (const { record } of this.byId.values()) {
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
    for (const { record } of this.byId.values()) {
      if (record.state.status === "paused") paused++;
      else if (isRunning(record)) running++;
      else stopped++;
    }
    return { running, paused, stopped };
  }

  private live(ref: string): Live {
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

  private serialise<T>(live: Live, op: () => Promise<T>): Promise<T> {
    const next = live.lock.catch(() => undefined).then(op);
    live.lock = next.catch(() => undefined);
    return next;
  }

  // ---- start-up ----

  /** Rebuilds the view from the records on disk and reconciles it with the tasks that still exist. */
  async init(): Promise<void> {
    const { store, log } = this.deps;
    await store.init();
    const { records, orphans } = await store.loadAll();
    for (const id of orphans) {
      log.warn("removing a container directory without a record (interrupted create)", { id });
      await this.removeDirectory(this.deps.layout.containerDir(id));
    }
    for (const record of records) this.register(record);
    await Promise.all(records.map((r) => this.reconcile(this.byId.get(r.id) as Live)));
  }

  private register(record: ContainerRecord): Live {
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

  private async reconcile(live: Live): Promise<void> {
    const { executor, store, log } = this.deps;
    const rec = live.record;
    if (isRunning(rec)) {
      const task = await executor.adopt(rec.id);
      if (task) {
        this.attachTask(live, task);
        // a start that was recorded but never delivered (hakod died in between) is delivered now; a started task
        // ignores it
        await task.start();
        log.info("re-adopted a running container", { id: rec.id, pid: task.pid });
        return;
      }
      const exit = await executor.readExit(rec.id);
      this.recordExit(live, exit ?? {
        exitCode: 255,
        signal: 0,
        oomKilled: false,
        finishedAt: rfc3339Nano(),
        error: "the container's task was gone and no exit status was recorded while hakod was down",
      });
      log.info("container exited while hakod was down", { id: rec.id, exitCode: rec.state.exitCode });
      await store.save(rec);
    } else if (rec.state.status === "created") {
      // a shim may still wait for a start that never came (hakod died during start): end it
      const task = await executor.adopt(rec.id);
      if (task) {
        await task.kill(9);
        task.release();
      }
    }
    if (rec.hostConfig.AutoRemove && rec.state.status === "exited") {
      await this.serialise(live, () => this.destroy(live));
    } else if (!isRunning(rec)) {
      void this.serialise(live, () => this.cleanUpAfterExit(live));
    }
  }

  // ---- create ----

  async create(request: CreateRequest, name?: string): Promise<{ id: string; warnings: string[] }> {
    const { images, store, cgroups } = this.deps;
    let wanted = name ? validateName(name) : "";
    if (wanted) this.assertNameFree(wanted);
    const imageRef = typeof request.Image === "string" ? request.Image : "";
    if (!imageRef) throw invalidArgument("No image specified");
    const image = await images.resolve(imageRef);
    const id = newContainerId();
    for (let retry = 0; !wanted; retry++) {
      const candidate = randomName(retry > 5 ? retry : 0);
      if (!this.names.has(candidate)) wanted = candidate;
    }
    const record = newRecord({ id, name: wanted, request, imageId: image.id, image: image.config,
      swapLimit: cgroups.swapLimit });
    // the name is taken synchronously, so two creates with one name cannot both pass the check
    this.assertNameFree(wanted);
    this.register(record);
    try {
      await store.create(record);
    } catch (err) {
      this.byId.delete(id);
      this.names.delete(wanted);
      throw internal(`recording the container: ${(err as Error).message}`, err);
    }
    const warnings: string[] = [];
    if (record.hostConfig.Memory > 0 && !cgroups.swapLimit) {
      warnings.push("Your kernel does not support swap limit capabilities or the cgroup is not mounted. Memory limited without swap.");
    }
    return { id, warnings };
  }

  private assertNameFree(name: string): void {
    const holder = this.names.get(name);
    if (holder) {
      throw conflict(`Conflict. The container name "/${name}" is already in use by container "${holder}". ` +
        "You have to remove (or rename) that container to be able to reuse that name.");
    }
  }

  // ---- start ----

  /** Starts the container; false when it was running already (the API answers 304 then). */
  start(ref: string): Promise<boolean> {
    const live = this.live(ref);
    return this.serialise(live, async () => {
      if (live.removed) throw notFound(`No such container: ${ref}`);
      if (isRunning(live.record)) return false;
      await this.startTask(live);
      return true;
    });
  }

  private async startTask(live: Live): Promise<void> {
    const { layout, images, executor, store, host } = this.deps;
    const rec = live.record;
    const id = rec.id;
    const rootfs = layout.rootfsDir(id);
    const image = await images.resolve(rec.imageId);
    const lowerDirs = images.layerPaths(image).slice().reverse();
    await Promise.all([
      mountOverlay({ lowerDirs, upperDir: layout.upperDir(id), workDir: layout.workDir(id), target: rootfs }),
      writeFile(layout.hostnameFile(id), `${rec.config.Hostname}\n`),
      writeFile(layout.hostsFile(id), hostsFile(rec.config.Hostname)),
      writeFile(layout.resolvConfFile(id), resolvConf(host.resolvConf)),
    ]);
    let task: Task;
    try {
      const user = await resolveUserInRootfs(rootfs, rec.config.User);
      const cwd = rec.config.WorkingDir || "/";
      if (cwd !== "/") await mkdir(resolveInRoot(rootfs, cwd), { recursive: true, mode: 0o755 });
      const h = rec.hostConfig;
      const etc = (dest: string, source: string): OciMount =>
        ({ destination: dest, type: "bind", source, options: ["rbind", "rprivate"] });
      const spec = buildSpec({
        id,
        rootfs,
        readonlyRootfs: h.ReadonlyRootfs,
        hostname: rec.config.Hostname,
        args: [rec.path, ...rec.args],
        env: containerEnv(rec.config, user.home),
        cwd,
        user,
        terminal: rec.config.Tty,
        cgroupsPath: layout.cgroupPath(id),
        resources: {
          memory: h.Memory,
          memorySwap: h.MemorySwap,
          memoryReservation: h.MemoryReservation,
          pidsLimit: h.PidsLimit,
          cpuShares: h.CpuShares,
          cpuQuota: h.CpuQuota,
          cpuPeriod: h.CpuPeriod,
          nanoCpus: h.NanoCpus,
        },
        capAdd: h.CapAdd ?? [],
        capDrop: h.CapDrop ?? [],
        privileged: h.Privileged,
        engineCapabilities: host.engineCapabilities,
        hostHardLimits: host.hardLimits,
        ulimits: h.Ulimits ?? [],
        shmSize: h.ShmSize,
        extraMounts: [
          { destination: "/sys/fs/cgroup", type: "cgroup", source: "cgroup", options: ["ro", "nosuid", "noexec", "nodev"] },
          etc("/etc/resolv.conf", layout.resolvConfFile(id)),
          etc("/etc/hostname", layout.hostnameFile(id)),
          etc("/etc/hosts", layout.hostsFile(id)),
        ],
      });
      await writeFile(layout.bundleConfig(id), JSON.stringify(spec));
      task = await executor.create({
        id, bundle: layout.bundleDir(id), stdin: rec.config.OpenStdin, tty: rec.config.Tty,
        logFile: layout.containerLog(id),
      });
    } catch (err) {
      // like dockerd: the container stays "created", with the error and the exit code the CLI maps (127/126)
      const message = err instanceof Error ? err.message : String(err);
      rec.state.error = message;
      rec.state.exitCode = /executable file not found|no such file or directory/i.test(message) ? 127
        : /permission denied/i.test(message) ? 126 : 128;
      for (const s of live.sinks) s.end();
      live.sinks.clear();
      if (rec.hostConfig.AutoRemove) {
        // like dockerd: an AutoRemove container that fails to start is removed (`run --rm` waits for that)
        await this.destroy(live).catch(() => undefined);
      } else {
        await store.save(rec).catch(() => undefined);
        live.events.emit("exit");
        void this.serialise(live, () => this.cleanUpAfterExit(live));
      }
      throw err;
    }
    this.attachTask(live, task);
    rec.state = {
      ...rec.state,
      status: "running",
      pid: task.pid,
      exitCode: 0,
      error: "",
      oomKilled: false,
      startedAt: rfc3339Nano(),
    };
    try {
      await store.save(rec);
    } catch (err) {
      await task.kill(9);
      throw internal(`recording the start: ${(err as Error).message}`, err);
    }
    await task.start();
    live.events.emit("start");
  }

  /** Connects a (new or re-adopted) task to the container: output to attach clients, its exit to onExit. */
  private attachTask(live: Live, task: Task): void {
    live.task = task;
    task.onOutput((stream, data) => {
      for (const s of live.sinks) if (stream === 1 ? s.stdout : s.stderr) s.write(stream, data);
    });
    for (const data of live.pendingStdin) task.writeStdin(data);
    live.pendingStdin = [];
    if (live.pendingClose) task.closeStdin();
    live.pendingClose = false;
    void task.exited.then((status) => this.onExit(live, task, status));
  }

  private recordExit(live: Live, status: ExitStatus): void {
    live.record.state = {
      ...live.record.state,
      status: "exited",
      pid: 0,
      exitCode: status.exitCode,
      error: status.error ?? "",
      oomKilled: status.oomKilled,
      finishedAt: status.finishedAt,
    };
  }

  private onExit(live: Live, task: Task, status: ExitStatus): void {
    if (live.task !== task) return;
    live.task = null;
    this.recordExit(live, status);
    this.deps.log.debug("container exited", { id: live.record.id, exitCode: status.exitCode });
    for (const s of live.sinks) s.end();
    live.sinks.clear();
    live.events.emit("exit");
    if (live.record.hostConfig.AutoRemove) {
      void this.serialise(live, () => this.destroy(live)).catch((err: unknown) =>
        this.deps.log.error("auto-removing a container failed", { id: live.record.id, error: String(err) }));
      return;
    }
    void this.deps.store.save(live.record).catch((err: unknown) =>
      this.deps.log.error("recording an exit failed", { id: live.record.id, error: String(err) }));
    void this.serialise(live, () => this.cleanUpAfterExit(live));
  }

  /** After an exit: the rootfs is unmounted and the cgroup removed (a later start mounts again). */
  private async cleanUpAfterExit(live: Live): Promise<void> {
    if (live.removed || isRunning(live.record)) return;
    const { layout, cgroups } = this.deps;
    await unmount(layout.rootfsDir(live.record.id)).catch(() => undefined);
    await cgroups.remove(layout.cgroupPath(live.record.id));
  }

  // ---- signals, stop ----

  async kill(ref: string, signal: string | undefined): Promise<void> {
    const live = this.live(ref);
    const sig = parseSignal(signal || "SIGKILL");
    if (!live.task || !isRunning(live.record)) {
      throw conflict(`Cannot kill container: ${ref}: Container ${live.record.id} is not running`);
    }
    await live.task.kill(sig);
  }

  /** Stops the container: its stop signal, then SIGKILL after `timeout` s; false when it was not running. */
  stop(ref: string, timeout: number | undefined, signal?: string): Promise<boolean> {
    const live = this.live(ref);
    const sig = parseSignal(signal || live.record.config.StopSignal || "SIGTERM");
    return this.serialise(live, async () => {
      const task = live.task;
      if (!task || !isRunning(live.record)) return false;
      const t = timeout ?? live.record.config.StopTimeout ?? 10;
      await task.kill(sig);
      if (t >= 0) {
        let timer: NodeJS.Timeout | undefined;
        const expired = await Promise.race([
          task.exited.then(() => false),
          new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(true), t * 1000))),
        ]);
        clearTimeout(timer);
        if (expired) await task.kill(9);
      }
      await task.exited;
      return true;
    });
  }

  // ---- remove ----

  remove(ref: string, opts: { force: boolean }): Promise<void> {
    const live = this.live(ref);
    return this.serialise(live, async () => {
      if (live.removed) throw notFound(`No such container: ${ref}`);
      if (isRunning(live.record)) {
        if (!opts.force) {
          throw conflict(`You cannot remove a running container ${live.record.id}. ` +
            "Stop the container before attempting removal or force remove");
        }
        const task = live.task;
        if (task) {
          await task.kill(9);
          await task.exited;
        }
      }
      await this.destroy(live);
    });
  }

  /** Removes the container's record (atomically) and everything it had; waiters for "removed" hear of it. */
  private async destroy(live: Live): Promise<void> {
    if (live.removed) return;
    const { store, layout, cgroups } = this.deps;
    const id = live.record.id;
    const dir = await store.detach(id);
    live.removed = true;
    this.byId.delete(id);
    if (this.names.get(live.record.name) === id) this.names.delete(live.record.name);
    for (const s of live.sinks) s.end();
    live.sinks.clear();
    live.events.emit("removed");
    // the rest is no longer the container's: it lies in tmp/ (emptied at the next start if hakod dies now)
    void (async () => {
      await this.removeDirectory(dir);
      await cgroups.remove(layout.cgroupPath(id));
    })().catch((err: unknown) => this.deps.log.warn("cleaning up a removed container", { id, error: String(err) }));
  }

  /** Unmounts whatever is mounted below `dir`, then deletes it. */
  private async removeDirectory(dir: string): Promise<void> {
    for (const m of await mountsUnder(dir)) await unmount(m);
    await this.deps.store.destroy(dir);
  }

  // ---- wait, attach, resize ----

  /**
   * Registers a waiter now (so a start that follows cannot be missed) and returns the promise of its result and a
   * function that cancels it (the client went away).
   */
  wait(ref: string, condition: WaitCondition): { result: Promise<WaitResult>; cancel: () => void } {
    const live = this.live(ref);
    const result = (): WaitResult => ({
      StatusCode: live.record.state.exitCode,
      Error: live.record.state.error ? { Message: live.record.state.error } : null,
    });
    if (condition === "not-running" && !isRunning(live.record)) {
      return { result: Promise.resolve(result()), cancel: () => undefined };
    }
    const event = condition === "removed" ? "removed" : "exit";
    let listener: (() => void) | undefined;
    const promise = new Promise<WaitResult>((resolve) => {
      listener = () => resolve(result());
      live.events.once(event, listener);
      if (event === "exit") live.events.once("removed", listener);
    });
    const cancel = (): void => {
      if (!listener) return;
      live.events.off("exit", listener);
      live.events.off("removed", listener);
    };
    return { result: promise.finally(cancel), cancel };
  }

  attach(ref: string, sink: AttachSink): AttachHandle {
    const live = this.live(ref);
    live.sinks.add(sink);
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
      },
    };
  }

  resize(ref: string, rows: number, cols: number): void {
    const live = this.live(ref);
    if (!live.task || !isRunning(live.record)) {
      throw conflict(`Container ${live.record.id} is not running`);
    }
    live.task.resize(rows, cols);
  }

  logFile(ref: string): string {
    return this.deps.layout.containerLog(this.live(ref).record.id);
  }

  /** The size of the container's writable layer (bytes), for `ps --size` / inspect `SizeRw`. */
  async sizeRw(id: string): Promise<number> {
    return dirSize(this.deps.layout.upperDir(id));
  }

  /** Lets go of every task without touching the containers (they keep running; a restart re-adopts them). */
  shutdown(): void {
    for (const live of this.byId.values()) live.task?.release();
  }
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await lstat(p).catch(() => null))?.size ?? 0;
    }
  };
  await walk(dir);
  return total;
}
