/**
 * A step's root filesystem: an overlay of the state's layers (read-only lowerdirs) with a fresh upper directory, in
 * the directory of a build container (`containers/<id>/` of layout.ts, without a record.json: an engine restart
 * treats a leftover one as an interrupted create and removes it). RUN runs a process in it, COPY/ADD write into
 * it; either way the upper directory holds exactly the step's changes, which snapshot/layer-diff.ts turns into the
 * layer.
 */
import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Layout } from "../layout.js";
import { diffLayer, type DiffResult } from "../snapshot/layer-diff.js";
import { mountOverlay, mountsUnder, unmount } from "../snapshot/overlay.js";
import type { ImageStore } from "../store/image-store.js";
import type { BuildState } from "./state.js";

/** Directories the runtime mounts over; created in the upper dir only when the image lacks them. */
const RUNTIME_MOUNT_POINTS = ["proc", "sys", "dev"];

export class StepRootfs {
  private constructor(
    readonly id: string,
    private readonly layout: Layout,
    /** host path of the mounted root filesystem */
    readonly root: string,
    private readonly missingMountPoints: Set<string>,
  ) {}

  static async mount(layout: Layout, images: ImageStore, state: BuildState): Promise<StepRootfs> {
    const id = randomBytes(32).toString("hex");
    const dir = layout.containerDir(id);
    await mkdir(layout.bundleDir(id), { recursive: true, mode: 0o700 });
    let lowerDirs = images.layerPaths(state).slice().reverse();
    if (lowerDirs.length === 0) {
      // overlay needs a lowerdir: FROM scratch gets an empty one
      const empty = join(dir, "empty");
      await mkdir(empty);
      lowerDirs = [empty];
    }
    const missing = new Set(RUNTIME_MOUNT_POINTS.filter((p) => !lowerDirs.some((l) => existsSync(join(l, p)))));
    const root = layout.rootfsDir(id);
    await mountOverlay({ lowerDirs, upperDir: layout.upperDir(id), workDir: layout.workDir(id), target: root });
    return new StepRootfs(id, layout, root, missing);
  }

  get bundle(): string {
    return this.layout.bundleDir(this.id);
  }

  /** The changes so far as a layer tar in `scratchDir`. Unmounts first, so nothing writes any more. */
  async diff(scratchDir: string, sourceDateEpoch?: number): Promise<DiffResult> {
    await unmount(this.root);
    const target = join(scratchDir, `layer-${this.id.slice(0, 12)}.tar.gz`);
    return diffLayer(this.layout.upperDir(this.id), target, {
      sourceDateEpoch,
      exclude: (path) => this.missingMountPoints.has(path),
    });
  }

  async dispose(): Promise<void> {
    const dir = this.layout.containerDir(this.id);
    for (const m of await mountsUnder(dir)) await unmount(m);
    await rm(dir, { recursive: true, force: true });
  }
}
