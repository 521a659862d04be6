/**
 * The OCI runtimes hakod can run containers with, and the executor that keeps each container with its own.
 *
 * Terms:
 * - **runtime**: what does a container's create step. `hako` is hako-shim itself (its own namespaces, cgroups and
 *   pivot_root); `runc` is the reference OCI runtime, driven by hako-shim as conmon drives it
 *   (`hako-shim --runtime PATH --runtime-root ROOT`, runtime/native/README.md). Either way hako-shim holds the
 *   container's stdio, writes its log and exit record, and outlives hakod, so everything above the executor (logs,
 *   attach, wait, stop, stats, re-adoption) is one code path.
 * - **default runtime**: `hakod --runtime hako|runc` (env HAKO_RUNTIME); the runtime of containers created from now
 *   on that do not name one (`docker run --runtime runc`, HostConfig.Runtime).
 *
 * A container's runtime is chosen at create (HostConfig.Runtime, which inspect shows) and recorded in the container's
 * directory (Layout.runtimeFile) before its first start; every later start, `adopt` after a restart of hakod and
 * `readExit` go to that runtime, whatever the default is by then. A container with neither (made before runtimes
 * could be chosen) is hako-shim's.
 */
import { accessSync, constants } from "node:fs";
import { readFile, writeFile } from "node:fs/promises";
import { delimiter, join } from "node:path";
import { invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import type { CreateTaskRequest, ExecTaskRequest, Executor, ExitStatus, Task } from "./executor.js";
import { ShimExecutor } from "./shim-executor.js";

export const RUNTIME_NAMES = ["hako", "runc"] as const;
export type RuntimeName = (typeof RUNTIME_NAMES)[number];

/** Older names of a runtime, still accepted in HostConfig.Runtime (records made before the runtimes were named). */
const ALIASES: Record<string, RuntimeName> = { "hako-shim": "hako" };

/**
 * The runtime a new container is created for: HostConfig.Runtime as the client gave it, or the executor's default
 * when empty. An unknown one is refused in dockerd's words (400).
 */
export function chooseRuntime(requested: unknown, executor: Executor): string {
  if (requested === undefined || requested === null || requested === "") return executor.name;
  if (typeof requested !== "string") throw invalidArgument("HostConfig.Runtime must be a string");
  const name = ALIASES[requested] ?? requested;
  const known = executor.runtimes ? executor.runtimes() : { [executor.name]: executor.path };
  if (!(name in known)) throw invalidArgument(`Unknown runtime specified ${requested}`);
  return name;
}

export function parseRuntimeName(s: string): RuntimeName {
  if ((RUNTIME_NAMES as readonly string[]).includes(s)) return s as RuntimeName;
  throw invalidArgument(`unknown runtime ${JSON.stringify(s)} (${RUNTIME_NAMES.join(", ")})`);
}

/** runc's executable: HAKO_RUNC, else the first `runc` on PATH or in the sbin directories (Debian: /usr/sbin/runc). */
export function findRunc(env: Record<string, string | undefined> = process.env): string | null {
  if (env.HAKO_RUNC) return env.HAKO_RUNC;
  const dirs = [...(env.PATH ?? "").split(delimiter).filter(Boolean), "/usr/local/sbin", "/usr/sbin", "/sbin"];
  for (const dir of dirs) {
    const path = join(dir, "runc");
    try {
      accessSync(path, constants.X_OK);
      return path;
    } catch {
      // not here
    }
  }
  return null;
}

export interface RuntimeOptions {
  /** hako-shim's executable (default: the one built in runtime/native/out) */
  shimPath?: string;
  /** runc's executable (default: findRunc()) */
  runcPath?: string;
}

/** One executor per runtime, chosen per container (see the file's comment). */
export class RuntimeExecutor implements Executor {
  private readonly executors = new Map<RuntimeName, ShimExecutor>();

  constructor(private readonly layout: Layout, readonly defaultRuntime: RuntimeName = "hako",
    private readonly opts: RuntimeOptions = {}) {
    this.executorFor(defaultRuntime); // refuses a default runtime that is not installed, at start
  }

  get name(): string {
    return this.executorFor(this.defaultRuntime).name;
  }

  get path(): string {
    return this.executorFor(this.defaultRuntime).path;
  }

  /** hako always; runc when its executable is found (looked up on each call: it may be installed later). */
  runtimes(): Record<string, string> {
    const out: Record<string, string> = {};
    for (const name of RUNTIME_NAMES) {
      try {
        out[name] = this.executorFor(name).path;
      } catch {
        // not installed
      }
    }
    return out;
  }

  /** The executor of one runtime (made on first use: runc is looked up only when a container needs it). */
  executorFor(runtime: RuntimeName): ShimExecutor {
    let e = this.executors.get(runtime);
    if (e) return e;
    if (runtime === "hako") {
      e = new ShimExecutor(this.layout, this.opts.shimPath);
    } else {
      const path = this.opts.runcPath ?? findRunc();
      if (!path) throw invalidArgument("runtime runc: no runc executable found (install runc, or set HAKO_RUNC)");
      e = new ShimExecutor(this.layout, this.opts.shimPath, { name: "runc", path, root: this.layout.runcRoot() });
    }
    this.executors.set(runtime, e);
    return e;
  }

  /** The runtime a container is bound to: its record, or null when it has none yet. */
  async runtimeOf(id: string): Promise<RuntimeName | null> {
    const text = await readFile(this.layout.runtimeFile(id), "utf8").catch(() => null);
    if (text === null) return null;
    const name = text.trim();
    return (RUNTIME_NAMES as readonly string[]).includes(name) ? (name as RuntimeName) : "hako";
  }

  async create(req: CreateTaskRequest): Promise<Task> {
    let runtime = await this.runtimeOf(req.id);
    if (runtime === null) {
      const asked = req.runtime ? ALIASES[req.runtime] ?? req.runtime : "";
      runtime = (RUNTIME_NAMES as readonly string[]).includes(asked) ? asked as RuntimeName : this.defaultRuntime;
      // a task of a container without a directory (none today) just runs with the default
      await writeFile(this.layout.runtimeFile(req.id), `${runtime}\n`).catch(() => undefined);
    }
    return this.executorFor(runtime).create(req);
  }

  // A running task is its shim's whatever runtime created it (the shim that drives runc also deletes the container
  // with it): the socket and the exit record are the same, so adopting needs no runtime, nor runc installed.
  adopt(id: string): Promise<Task | null> {
    return this.executorFor("hako").adopt(id);
  }

  readExit(id: string): Promise<ExitStatus | null> {
    return this.executorFor("hako").readExit(id);
  }

  // An exec joins the namespaces and cgroups of the container's init, whichever runtime made them: hako-shim exec.
  exec(req: ExecTaskRequest): Promise<Task> {
    return this.executorFor("hako").exec(req);
  }

  adoptExec(execId: string, exitFile: string): Promise<Task | null> {
    return this.executorFor("hako").adoptExec(execId, exitFile);
  }
}
