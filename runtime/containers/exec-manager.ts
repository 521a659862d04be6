/**
 * The engine's execs (terms and lifecycle: exec.ts): create, start, resize, inspect, and `runExec` for health probes.
 *
 * Starting an exec writes its OCI process (exec-process.ts) to the exec's directory in the container's (layout.ts),
 * asks the executor for a task joining the container (hako-shim exec, given the container's config.json for its
 * seccomp filter and its cgroup path), subscribes the caller to its output and only then lets it run. Nothing is
 * fsynced on this path: an exec's status need not survive a crash, and the container's own state is not touched.
 */
import { readdir, readFile, rm } from "node:fs/promises";
import { mkdir, writeFile } from "node:fs/promises";
import { conflict, internal, notFound } from "../errors.js";
import type { Logger } from "../engine.js";
import { containerEvent } from "../events/container-events.js";
import type { EventPublisher } from "../events/events.js";
import type { Layout } from "../layout.js";
import type { Executor, OutputListener, Task } from "../oci/executor.js";
import type { OciSpec } from "../oci/spec.js";
import { isRunning, type ContainerRecord } from "./container.js";
import { execCommandLine, newExecId, type ExecConfig, type ExecRecord } from "./exec.js";
import { execProcess, type OciProcess } from "./exec-process.js";
import type { ProbeRunner } from "./health.js";
import type { ContainerManager, HostFacts } from "./manager.js";
import { resolveUserInRootfs } from "./user.js";

/** How long an exited exec can still be inspected (dockerd forgets them after 5 to 10 minutes). */
export const EXITED_EXEC_TTL_MS = 5 * 60_000;
/** Output a probe keeps (health.ts keeps 4 KiB of it). */
const MAX_PROBE_OUTPUT = 64 * 1024;

export interface ExecManagerDeps {
  containers: ContainerManager;
  layout: Layout;
  executor: Executor;
  host: HostFacts;
  log: Logger;
  events?: EventPublisher;
}

/** A started exec: its task, and its exit code once the record shows it. */
export interface StartedExec {
  task: Task;
  exited: Promise<number>;
}

export class ExecManager implements ProbeRunner {
  private readonly execs = new Map<string, ExecRecord>();

  constructor(private readonly deps: ExecManagerDeps) {
    deps.containers.onRemove((rec) => {
      for (const ex of this.execs.values()) if (ex.containerId === rec.id) this.execs.delete(ex.id);
      return Promise.resolve();
    });
  }

  /**
   * After a restart of hakod: execs whose shim still runs are found again (as running, without a pid); the
   * directories of the others are removed.
   */
  async init(): Promise<void> {
    const { layout, executor, log } = this.deps;
    await Promise.all(this.deps.containers.list().map(async (rec) => {
      const ids = await readdir(layout.execsDir(rec.id)).catch(() => [] as string[]);
      await Promise.all(ids.map(async (execId) => {
        const task = isRunning(rec) && /^[0-9a-f]{64}$/.test(execId)
          ? await executor.adoptExec?.(execId, layout.execExitFile(rec.id, execId)) ?? null : null;
        if (!task) {
          await rm(layout.execDir(rec.id, execId), { recursive: true, force: true });
          return;
        }
        const proc = JSON.parse(await readFile(layout.execProcessFile(rec.id, execId), "utf8").catch(() => "{}")) as
          Partial<OciProcess>;
        const ex: ExecRecord = {
          id: execId, containerId: rec.id, running: true, started: true, exitCode: null, pid: 0, task,
          pendingSize: null,
          config: {
            cmd: proc.args ?? [], user: proc.user ? `${proc.user.uid}:${proc.user.gid}` : "", privileged: false,
            tty: proc.terminal === true, attachStdin: false, attachStdout: false, attachStderr: false, env: [],
            workingDir: proc.cwd ?? "", detachKeys: "",
          },
        };
        this.execs.set(execId, ex);
        this.watchExit(ex, rec, task);
        log.info("re-adopted a running exec", { id: rec.id, exec: execId });
      }));
    }));
  }

  /** `POST /containers/{id}/exec`: the container must be running and not paused. */
  create(containerRef: string, config: ExecConfig): ExecRecord {
    const rec = this.activeContainer(containerRef);
    const ex: ExecRecord = {
      id: newExecId(), containerId: rec.id, config, running: false, started: false, exitCode: null, pid: 0, task: null,
      pendingSize: null,
    };
    this.execs.set(ex.id, ex);
    this.deps.events?.publish(containerEvent(rec, `exec_create: ${execCommandLine(config)}`, { execID: ex.id }));
    return ex;
  }

  /** The exec with this ID (exactly), as inspect shows it even after its container stopped. */
  get(id: string): ExecRecord {
    const ex = this.execs.get(id);
    if (!ex) throw notFound(`No such exec instance: ${id}`);
    return ex;
  }

  /** An exec that may be started or resized now: its container is running (404 and 409 in dockerd's words). */
  usable(id: string): { exec: ExecRecord; container: ContainerRecord } {
    const exec = this.get(id);
    let container: ContainerRecord;
    try {
      container = this.deps.containers.get(exec.containerId);
    } catch {
      throw notFound(`No such container: ${exec.containerId}`);
    }
    this.assertActive(container);
    return { exec, container };
  }

  /** IDs of the execs a container has (inspect's ExecIDs), null when none, as dockerd shows it. */
  idsOf(containerId: string): string[] | null {
    const ids = [...this.execs.values()].filter((e) => e.containerId === containerId).map((e) => e.id);
    return ids.length > 0 ? ids : null;
  }

  /**
   * Starts the exec: its process exists and `onOutput` is subscribed before it runs. A process that cannot start
   * (no such command, bad user or working dir) is an error in Docker's words; the exec then shows exit code 126
   * or 127, like dockerd's.
   */
  async start(id: string, io: { onOutput?: OutputListener } = {}): Promise<StartedExec> {
    const { exec: ex, container: rec } = this.usable(id);
    if (ex.exitCode !== null) throw conflict(`Error: Exec command ${id} has already run`);
    if (ex.started) throw conflict(`Error: Exec command ${id} is already running`);
    ex.started = true;
    let task: Task;
    try {
      task = await this.createTask(ex, rec);
    } catch (err) {
      const message = err instanceof Error ? err.message : String(err);
      ex.exitCode = /executable file not found|no such file or directory/i.test(message) ? 127 : 126;
      this.forgetLater(ex);
      void rm(this.deps.layout.execDir(rec.id, ex.id), { recursive: true, force: true }).catch(() => undefined);
      throw err;
    }
    ex.task = task;
    ex.pid = task.pid;
    ex.running = true;
    if (io.onOutput) task.onOutput(io.onOutput);
    if (ex.pendingSize) task.resize(ex.pendingSize.rows, ex.pendingSize.cols);
    const exited = this.watchExit(ex, rec, task);
    this.deps.events?.publish(containerEvent(rec, `exec_start: ${execCommandLine(ex.config)}`, { execID: ex.id }));
    await task.start();
    return { task, exited };
  }

  /** `POST /exec/{id}/resize`: applied at once, or when the process starts. */
  resize(id: string, rows: number, cols: number): void {
    const { exec: ex } = this.usable(id);
    if (ex.task) ex.task.resize(rows, cols);
    else ex.pendingSize = { rows, cols };
  }

  /** Runs `cmd` in the container as a (short-lived) exec and collects its output: the health checks' probe. */
  async runExec(containerId: string, cmd: string[], opts: { timeoutMs: number; user?: string; env?: string[] }):
    Promise<{ exitCode: number; output: string }> {
    const ex = this.create(containerId, {
      cmd, user: opts.user ?? "", privileged: false, tty: false, attachStdin: false, attachStdout: true,
      attachStderr: true, env: opts.env ?? [], workingDir: "", detachKeys: "",
    });
    const chunks: Buffer[] = [];
    let size = 0;
    let timer: NodeJS.Timeout | undefined;
    try {
      const started = await this.start(ex.id, {
        onOutput: (_stream, data) => {
          if (size >= MAX_PROBE_OUTPUT) return;
          chunks.push(data.subarray(0, MAX_PROBE_OUTPUT - size));
          size += data.length;
        },
      });
      let timedOut = false;
      timer = setTimeout(() => {
        timedOut = true;
        void started.task.kill(9);
      }, opts.timeoutMs);
      const exitCode = await started.exited;
      return { exitCode: timedOut ? -1 : exitCode, output: Buffer.concat(chunks).toString("utf8") };
    } finally {
      clearTimeout(timer);
      this.execs.delete(ex.id);
    }
  }

  /** Lets go of every running exec without touching it (a restart finds it again while it runs). */
  shutdown(): void {
    for (const ex of this.execs.values()) ex.task?.release();
  }

  // ---- internals ----

  private activeContainer(ref: string): ContainerRecord {
    const rec = this.deps.containers.get(ref);
    this.assertActive(rec);
    return rec;
  }

  private assertActive(rec: ContainerRecord): void {
    if (rec.state.status === "paused") throw conflict(`Container ${rec.id} is paused, unpause the container before exec`);
    if (rec.state.status === "restarting") {
      throw conflict(`Container ${rec.id} is restarting, wait until the container is running`);
    }
    if (!isRunning(rec) || rec.state.pid <= 0) throw conflict(`Container ${rec.id} is not running`);
  }

  private async createTask(ex: ExecRecord, rec: ContainerRecord): Promise<Task> {
    const { layout, executor, host } = this.deps;
    if (!executor.exec) throw internal(`the executor ${executor.name} cannot run execs`);
    const configFile = layout.bundleConfig(rec.id);
    const spec = JSON.parse(await readFile(configFile, "utf8")) as OciSpec;
    const user = await resolveUserInRootfs(spec.root?.path || layout.rootfsDir(rec.id), ex.config.user || rec.config.User);
    const proc = execProcess({ container: rec, containerProcess: spec.process, config: ex.config, user,
      engineCapabilities: host.engineCapabilities });
    await mkdir(layout.execDir(rec.id, ex.id), { recursive: true, mode: 0o700 });
    const processFile = layout.execProcessFile(rec.id, ex.id);
    await writeFile(processFile, JSON.stringify(proc));
    return executor.exec({
      execId: ex.id,
      initPid: rec.state.pid,
      processFile,
      exitFile: layout.execExitFile(rec.id, ex.id),
      seccompFile: configFile,
      cgroupPath: spec.linux?.cgroupsPath || undefined,
      stdin: ex.config.attachStdin,
      tty: ex.config.tty,
    });
  }

  /** Records the exit when it comes (announced as exec_die), then lets the exec's directory go. */
  private watchExit(ex: ExecRecord, rec: ContainerRecord, task: Task): Promise<number> {
    return task.exited.then((status) => {
      ex.running = false;
      ex.exitCode = status.exitCode;
      ex.task = null;
      this.deps.events?.publish(containerEvent(rec, "exec_die",
        { execID: ex.id, exitCode: String(status.exitCode) }));
      this.forgetLater(ex);
      void rm(this.deps.layout.execDir(rec.id, ex.id), { recursive: true, force: true }).catch(() => undefined);
      return status.exitCode;
    });
  }

  private forgetLater(ex: ExecRecord): void {
    setTimeout(() => {
      if (this.execs.get(ex.id) === ex) this.execs.delete(ex.id);
    }, EXITED_EXEC_TTL_MS).unref();
  }
}
