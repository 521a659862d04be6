/**
 * A container's mounts over its lifecycle: at create its volumes come into being (named ones on first use,
 * anonymous ones for it alone); at start they become OCI mounts, with the image's content copied into an empty new
 * volume (Docker's copy-up) and `-v` bind sources created; at removal with `-v` (or `run --rm`) its anonymous volumes
 * go with it.
 */
import { execFile } from "node:child_process";
import { chmod, chown, lstat, mkdir, readdir, stat } from "node:fs/promises";
import { internal, invalidArgument, isKind } from "../errors.js";
import type { Logger } from "../engine.js";
import { resolveInRoot } from "../containers/in-root.js";
import type { OciMount } from "../oci/spec.js";
import type { ContainerMount } from "./mount-spec.js";
import type { VolumeStore } from "./volume.js";

/** The records' view the volume store needs: every container's ID and mounts. */
export type MountsOfContainers = () => Iterable<{ id: string; mounts?: ContainerMount[] }>;

export class ContainerMounts {
  constructor(private readonly volumes: VolumeStore, private readonly log: Logger) {}

  /** Which containers use the volume `name`. */
  static users(containers: MountsOfContainers, name: string): string[] {
    const ids: string[] = [];
    for (const c of containers()) {
      if ((c.mounts ?? []).some((m) => m.type === "volume" && m.source === name)) ids.push(c.id);
    }
    return ids;
  }

  /**
   * Creates the volumes a new container needs that do not exist yet. On failure, the anonymous volumes made here are
   * removed again and the error is thrown (nothing of the container exists then).
   */
  async createVolumes(mounts: ContainerMount[]): Promise<void> {
    const made: string[] = [];
    try {
      for (const m of mounts) {
        if (m.type !== "volume") continue;
        await this.volumes.create({
          name: m.source, anonymous: m.anonymous === true, driver: m.driver, driverOpts: m.driverOpts, labels: m.labels,
        });
        if (m.anonymous) made.push(m.source);
      }
    } catch (err) {
      await this.removeVolumes(made);
      throw err;
    }
  }

  /** Removes anonymous volumes made for a container whose create failed after all. */
  async undoCreate(mounts: ContainerMount[]): Promise<void> {
    await this.removeVolumes(mounts.filter((m) => m.type === "volume" && m.anonymous).map((m) => m.source));
  }

  /**
   * The OCI mounts of a container about to start, parents before children. `rootfs` is its mounted root: an empty
   * volume that has not been filled yet gets what the image has at its destination.
   */
  async ociMounts(mounts: ContainerMount[], rootfs: string): Promise<OciMount[]> {
    const out: Array<{ depth: number; mount: OciMount }> = [];
    for (const m of mounts) {
      const rw = m.readOnly ? "ro" : "rw";
      let mount: OciMount;
      if (m.type === "tmpfs") {
        mount = { destination: m.destination, type: "tmpfs", source: "tmpfs",
          options: ["noexec", "nosuid", "nodev", "rprivate", ...(m.tmpfsOptions ?? [])] };
      } else if (m.type === "bind") {
        if (m.createSource) await mkdir(m.source, { recursive: true, mode: 0o755 }).catch(() => undefined);
        try {
          await stat(m.source);
        } catch {
          throw invalidArgument(`invalid mount config for type "bind": bind source path does not exist: ${m.source}`);
        }
        mount = { destination: m.destination, type: "bind", source: m.source,
          options: [m.nonRecursive ? "bind" : "rbind", m.propagation || "rprivate", rw] };
      } else {
        const source = await this.volumes.mountpointFor(m.source);
        if (m.copyUp) {
          await copyUp(resolveInRoot(rootfs, m.destination), source, m.destination);
          m.copyUp = false;
        }
        mount = { destination: m.destination, type: "bind", source, options: ["rbind", "rprivate", rw] };
      }
      out.push({ depth: m.destination.split("/").length, mount });
    }
    return out.sort((a, b) => a.depth - b.depth).map((x) => x.mount);
  }

  /** After a container's removal: with `volumes`, its anonymous volumes that no other container uses go too. */
  async release(mounts: ContainerMount[] | undefined, opts: { volumes?: boolean }): Promise<void> {
    if (!opts.volumes) return;
    await this.removeVolumes((mounts ?? []).filter((m) => m.type === "volume" && m.anonymous).map((m) => m.source));
  }

  private async removeVolumes(names: string[]): Promise<void> {
    for (const name of names) {
      try {
        await this.volumes.remove(name, { force: true });
      } catch (err) {
        // still used by another container (--volumes-from style sharing): it stays, as with Docker
        if (!isKind(err, "Conflict")) this.log.warn("removing an anonymous volume failed", { name, error: String(err) });
      }
    }
  }
}

/**
 * Docker's copy-up: when the volume is empty and the image has a directory with content at the mount point, that
 * content (owners, modes, links, times) and the directory's own owner and mode are copied into the volume.
 */
async function copyUp(from: string, to: string, destination: string): Promise<void> {
  let st;
  try {
    st = await lstat(from);
  } catch {
    return; // nothing in the image there: the mount point is created empty
  }
  if (!st.isDirectory()) {
    throw invalidArgument(`cannot mount volume over existing file, file exists ${destination}`);
  }
  if ((await readdir(to)).length > 0) return;
  if ((await readdir(from)).length > 0) {
    await new Promise<void>((resolve, reject) => {
      execFile("cp", ["-a", "--", `${from}/.`, `${to}/`], (err, _o, stderr) =>
        err ? reject(internal(`copying the image's ${destination} into the volume: ${(stderr || err.message).trim()}`)) : resolve());
    });
  }
  await chown(to, st.uid, st.gid);
  await chmod(to, st.mode & 0o7777);
}
