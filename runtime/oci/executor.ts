/**
 * An executor runs containers from OCI bundles. hako-shim is the first implementation (shim-executor.ts); an external
 * OCI runtime such as runc can be a second one.
 *
 * Terms:
 * - **bundle**: a directory with `config.json` (the OCI runtime spec) whose `root.path` is already mounted.
 * - **task**: the running instance of one container: its init process and whatever holds its stdio (the shim).
 *   A container has at most one task at a time; a new `start` of an exited container creates a new task.
 * - **exit status**: how init ended: `exitCode` (128 + signal when killed), `signal`, `oomKilled`, `finishedAt`;
 *   `error` is set when the executor lost the task and cannot say how it ended.
 *
 * Lifecycle of a task:
 * 1. `create` — the container exists (namespaces, cgroup, root set up) and init waits just before exec. Output
 *    listeners attached now see everything init will ever write. Fails with the runtime's message
 *    (e.g. `exec: "nosuch": executable file not found in $PATH`) and leaves nothing behind.
 * 2. `start` — init execs the command.
 * 3. `kill(signal)` — delivered to init; allowed in any state until exit.
 * 4. `exited` — resolves exactly once, after all output has been delivered to the listeners.
 * A task survives the engine: after a restart `adopt(id)` finds it again (null when it is gone; `readExit` then says
 * how it ended, if that was recorded). `release` drops the engine's hold on a task without touching the container.
 */

export interface ExitStatus {
  exitCode: number;
  signal: number;
  oomKilled: boolean;
  /** RFC 3339 with nanoseconds */
  finishedAt: string;
  /** set when the exit status could not be learnt */
  error?: string;
}

export type OutputListener = (stream: 1 | 2, data: Buffer) => void;

export interface CreateTaskRequest {
  id: string;
  bundle: string;
  /** keep init's stdin open as a pipe fed by `writeStdin` */
  stdin: boolean;
  tty: boolean;
  logFile: string;
}

export interface Task {
  readonly id: string;
  /** pid of init in the host's pid namespace */
  readonly pid: number;
  start(): Promise<void>;
  kill(signal: number): Promise<void>;
  /** Subscribes to output; returns the function that unsubscribes. */
  onOutput(listener: OutputListener): () => void;
  writeStdin(data: Buffer): void;
  closeStdin(): void;
  resize(rows: number, cols: number): void;
  readonly exited: Promise<ExitStatus>;
  release(): void;
}

export interface Executor {
  /** A short name for `docker info` (Runtimes / DefaultRuntime). */
  readonly name: string;
  /** Path of the executable, for `docker info`. */
  readonly path: string;
  create(req: CreateTaskRequest): Promise<Task>;
  adopt(id: string): Promise<Task | null>;
  readExit(id: string): Promise<ExitStatus | null>;
}
