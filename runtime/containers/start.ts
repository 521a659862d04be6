/**
 * `start`: mounts the rootfs, writes the container's /etc files and OCI spec, creates and starts its task. A start that
 * fails leaves the container "created" with the error and the exit code the CLI maps (127/126), like dockerd.
 */
import { mkdir, writeFile } from "node:fs/promises";
import { crashPoint } from "../crash-points.js";
import { conflict, internal, notFound } from "../errors.js";
import { containerEvent } from "../events/container-events.js";
import type { Task } from "../oci/executor.js";
import { buildSpec, type OciMount } from "../oci/spec.js";
import { mountOverlay } from "../snapshot/overlay.js";
import { isRunning, rfc3339Nano } from "./container.js";
import { containerEnv, hostsFile, resolvConf } from "./env.js";
import { attachTask, cleanUpAfterExit } from "./exit.js";
import { resolveInRoot } from "./in-root.js";
import { logRotation, type LogConfig } from "./log-config.js";
import { serialise, type Live } from "./live.js";
import type { ManagerState } from "./manager-state.js";
import { destroy } from "./remove.js";
import { resetRestartPolicy } from "./restart-policy.js";
import { resolveUserInRootfs } from "./user.js";

/** Starts the container; false when it was running already (the API answers 304 then). */
export function startContainer(m: ManagerState, ref: string): Promise<boolean> {
  const live = m.registry.find(ref);
  return serialise(live, async () => {
    if (live.removed) throw notFound(`No such container: ${ref}`);
    if (live.record.state.status === "paused") throw conflict("cannot start a paused container, try unpause instead");
    if (isRunning(live.record)) return false;
    resetRestartPolicy(live);
    await startTask(m, live);
    return true;
  });
}

/**
 * Mounts the container's rootfs (overlay of the image's layers and the container's upper dir) at layout.rootfsDir,
 * unless it is mounted there already.
 */
export async function mountRootfs(m: ManagerState, live: Live, opts: { readOnly?: boolean } = {}): Promise<string> {
  const { layout, images } = m.deps;
  const id = live.record.id;
  const rootfs = layout.rootfsDir(id);
  const image = await images.resolve(live.record.imageId);
  const lowerDirs = images.layerPaths(image).slice().reverse();
  await mountOverlay({ lowerDirs, upperDir: layout.upperDir(id), workDir: layout.workDir(id), target: rootfs,
    readOnly: opts.readOnly });
  return rootfs;
}

export async function startTask(m: ManagerState, live: Live): Promise<void> {
  const { layout, executor, store, host } = m.deps;
  const rec = live.record;
  const id = rec.id;
  const [rootfs] = await Promise.all([
    mountRootfs(m, live),
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
    for (const hook of m.hooks.onSpec) await hook(rec, spec, rootfs);
    await writeFile(layout.bundleConfig(id), JSON.stringify(spec));
    task = await executor.create({
      id, bundle: layout.bundleDir(id), stdin: rec.config.OpenStdin, tty: rec.config.Tty,
      runtime: typeof h.Runtime === "string" ? h.Runtime : undefined,
      logFile: layout.containerLog(id), logRotation: logRotation(h.LogConfig as LogConfig | undefined),
    });
    crashPoint("start.after-spawn");
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
      await destroy(m, live).catch(() => undefined);
    } else {
      await store.save(rec).catch(() => undefined);
      live.events.emit("exit");
      void serialise(live, () => cleanUpAfterExit(m, live));
    }
    throw err;
  }
  attachTask(m, live, task);
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
  crashPoint("start.after-record");
  await task.start();
  live.events.emit("start");
  m.deps.events?.publish(containerEvent(rec, "start"));
  for (const hook of m.hooks.onTaskStart) hook(rec, false);
}
