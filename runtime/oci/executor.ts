/**
 * An executor runs containers from OCI bundles. hako-shim is the implementation (shim-executor.ts), creating containers
 * itself or with an external OCI runtime (runc) in its place; runtimes.ts keeps each container with its runtime.
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
  /** the runtime the container was created for (HostConfig.Runtime); absent or unknown: the executor's default */
  runtime?: string;
  /** rotate the log past maxSize bytes, keeping maxFiles files in all (absent: no rotation) */
  logRotation?: { maxSize: number; maxFiles: number } | null;
}

/**
 * A process started in a running container (`docker exec`): it joins the namespaces and cgroups of the container's
 * init and is a task of its own (start, kill, output, stdin, resize, exited work as for a container; `pid` is the
 * process's, `id` the exec's). Its status is not expected to survive a power loss.
 */
export interface ExecTaskRequest {
  /** the exec's ID (64 hex digits) */
  execId: string;
  /** pid of the container's init in the host's pid namespace */
  initPid: number;
  /** a file holding the OCI `process` object to run */
  processFile: string;
  exitFile: string;
  /** a file holding `linux.seccomp`, or a whole config.json (its `linux.seccomp`); none: unconfined */
  seccompFile?: string;
  /** the container's cgroupsPath (else init's cgroups are read from /proc) */
  cgroupPath?: string;
  stdin: boolean;
  tty: boolean;
}

/** A connection for a task's output (Task.handOff): descriptor `fd` of this process, `id` its inode. */
export interface OutputHandOff {
  fd: number;
  id: number;
  /** the bytes alone (a tty container's stream); else Docker's multiplexed frames */
  raw: boolean;
  stdout: boolean;
  stderr: boolean;
}

export interface Task {
  readonly id: string;
  /** pid of init in the host's pid namespace */
  readonly pid: number;
  start(): Promise<void>;
  kill(signal: number): Promise<void>;
  /**
   * Subscribes to output; returns the function that unsubscribes. Output is delivered in pieces of any size (a
   * consumer must not assume one piece per write of the container). Without listeners output is not delivered at
   * all (it is in the log).
   */
  onOutput(listener: OutputListener): () => void;
  /**
   * Backpressure: while paused no output (nor the exit) is delivered, and the container blocks once the executor's
   * buffer is full, as under Docker with a slow attach client. Resume when the listener can take more.
   */
  pauseOutput(): void;
  resumeOutput(): void;
  /**
   * Optional: the executor writes the output to a connection of hakod's itself (`docker attach`), so that it need not
   * pass through hakod. `answer` runs once: true when taken; false when it cannot be (nothing of the output went
   * there; it runs before any output that followed is delivered, so a listener subscribed in it loses nothing).
   * `takeBack` stops it (the client detached).
   */
  handOff?(sink: OutputHandOff, answer: (taken: boolean) => void): void;
  takeBack?(id: number): void;
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
  /** The runtimes a container may name (HostConfig.Runtime) → their executables; absent: only `name`. */
  runtimes?(): Record<string, string>;
  create(req: CreateTaskRequest): Promise<Task>;
  adopt(id: string): Promise<Task | null>;
  readExit(id: string): Promise<ExitStatus | null>;
  /** Creates an exec's task (started by `start`, like a container's); absent when the executor cannot exec. */
  exec?(req: ExecTaskRequest): Promise<Task>;
  /** Finds a running exec's task again after a restart of hakod (null when it is gone). */
  adoptExec?(execId: string, exitFile: string): Promise<Task | null>;
}
