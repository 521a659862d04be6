/**
 * Running a RUN step's command: a build container over the step's root filesystem (step-rootfs.ts), created and
 * started through the engine's executor — hako-shim, exactly as for `docker run` — with Docker's default
 * capabilities and a network namespace of its own (loopback only; `networkmode=host` shares the host's). Its output
 * goes to the build's progress stream as it comes.
 */
import { mkdir, writeFile } from "node:fs/promises";
import type { Cgroups } from "../cgroups/cgroups.js";
import { resolveInRoot } from "../containers/in-root.js";
import { resolveUserInRootfs } from "../containers/user.js";
import type { HostFacts } from "../containers/manager.js";
import type { Layout } from "../layout.js";
import type { Executor } from "../oci/executor.js";
import { buildSpec, DEFAULT_PATH_ENV } from "../oci/spec.js";
import type { StepRootfs } from "./step-rootfs.js";

export interface RunDeps {
  layout: Layout;
  executor: Executor;
  cgroups: Cgroups;
  host: HostFacts;
}

export interface CommandSpec {
  args: string[];
  /** the image's Env plus the build args in scope (image Env wins) */
  env: string[];
  user: string;
  cwd: string;
  hostNetwork: boolean;
}

/** Runs the command to its end; resolves to its exit code. */
export async function runCommand(deps: RunDeps, rootfs: StepRootfs, cmd: CommandSpec, output: (data: Buffer) => void): Promise<number> {
  const { layout, executor, cgroups, host } = deps;
  const id = rootfs.id;
  const user = await resolveUserInRootfs(rootfs.root, cmd.user);
  const cwd = cmd.cwd || "/";
  if (cwd !== "/") await mkdir(resolveInRoot(rootfs.root, cwd), { recursive: true, mode: 0o755 });
  const env = [...cmd.env];
  if (!env.some((e) => e.startsWith("PATH="))) env.unshift(DEFAULT_PATH_ENV);
  if (!env.some((e) => e.startsWith("HOME="))) env.push(`HOME=${user.home || "/"}`);
  const spec = buildSpec({
    id,
    rootfs: rootfs.root,
    readonlyRootfs: false,
    hostname: id.slice(0, 12),
    args: cmd.args,
    env,
    cwd,
    user,
    terminal: false,
    cgroupsPath: layout.cgroupPath(id),
    resources: { memory: 0, memorySwap: 0, memoryReservation: 0, pidsLimit: null, cpuShares: 0, cpuQuota: 0, cpuPeriod: 0, nanoCpus: 0 },
    capAdd: [],
    capDrop: [],
    privileged: false,
    engineCapabilities: host.engineCapabilities,
    hostHardLimits: host.hardLimits,
    ulimits: [],
    shmSize: 0,
    extraMounts: [],
  });
  if (cmd.hostNetwork) spec.linux.namespaces = spec.linux.namespaces.filter((n) => n.type !== "network");
  await writeFile(layout.bundleConfig(id), JSON.stringify(spec));
  const task = await executor.create({ id, bundle: rootfs.bundle, stdin: false, tty: false, logFile: layout.containerLog(id) });
  try {
    task.onOutput((_stream, data) => output(data));
    await task.start();
    const status = await task.exited;
    if (status.error) throw new Error(status.error);
    return status.exitCode;
  } finally {
    task.release();
    await cgroups.remove(layout.cgroupPath(id)).catch(() => undefined);
  }
}
