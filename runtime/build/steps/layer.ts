/**
 * A step that makes a layer (RUN, COPY, ADD): mount the state's root filesystem with a fresh upper directory, let
 * the step change it, turn the upper directory into a layer (snapshot/layer-diff.ts), add that to the image store
 * and return the state with the layer and its history entry.
 */
import type { StageRun } from "../stage-run.js";
import type { BuildState } from "../state.js";
import { StepRootfs } from "../step-rootfs.js";

export async function layerStep(run: StageRun, state: BuildState, createdBy: string,
  change: (rootfs: StepRootfs) => Promise<void>): Promise<BuildState> {
  const { deps, b } = run;
  const rootfs = await StepRootfs.mount(deps.layout, deps.images, state);
  try {
    await change(rootfs);
    const diff = await rootfs.diff(b.scratch, b.sourceDateEpoch);
    const parent = state.layers.at(-1)?.chainId ?? null;
    const layer = await deps.images.addLayer({ path: diff.path, digest: diff.digest, diffId: diff.diffId }, parent);
    state.layers.push(layer);
    state.config.created = run.created();
    state.config.history.push(run.history(createdBy, false));
    return state;
  } finally {
    await rootfs.dispose();
  }
}
