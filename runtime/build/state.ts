/**
 * The build state: what an image would be if the build stopped here — its config (the OCI image config: runtime
 * config, history, rootfs) and its layers.
 *
 * Terms:
 * - **stage**: the instructions from one FROM to the next; its result can be the image, a `--from` source for COPY,
 *   or the base of a later stage (`FROM <stage name>`).
 * - **step**: one instruction of a stage; it turns a state into the next one, adding a layer (RUN, COPY, ADD) or
 *   only a history entry (`empty_layer`, for the instructions that change metadata).
 * - **state ID**: the digest of the config JSON this state would be committed with — the image ID of the state,
 *   so the last step's ID is the built image's ID (`Successfully built <it>`). Builds key their cache on it.
 */
import { digestOf } from "../store/digest.js";
import type { HistoryEntry, LayerRecord, RunConfig } from "../store/image-store.js";

export type { HistoryEntry, RunConfig };

export interface OciImageConfig {
  architecture: string;
  os: string;
  created?: string;
  author?: string;
  config: RunConfig;
  rootfs: { type: "layers"; diff_ids: string[] };
  history: HistoryEntry[];
}

export interface BuildState {
  config: OciImageConfig;
  layers: LayerRecord[];
}

export const DEFAULT_SHELL = ["/bin/sh", "-c"];

export function emptyState(): BuildState {
  return {
    config: { architecture: "amd64", os: "linux", config: { Env: [DEFAULT_PATH] }, rootfs: { type: "layers", diff_ids: [] }, history: [] },
    layers: [],
  };
}

/** The PATH every image built from scratch gets (as Docker's builder sets it). */
const DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

/**
 * The config's JSON bytes. Key order is the order of construction, which the builder keeps fixed, so the bytes (and
 * the image ID) depend only on the values.
 */
export function configBytes(state: BuildState): Buffer {
  const c = state.config;
  const doc: OciImageConfig = {
    architecture: c.architecture,
    os: c.os,
    ...(c.created ? { created: c.created } : {}),
    ...(c.author ? { author: c.author } : {}),
    config: c.config,
    rootfs: { type: "layers", diff_ids: state.layers.map((l) => l.diffId) },
    history: c.history,
  };
  return Buffer.from(JSON.stringify(doc));
}

export function stateId(state: BuildState): string {
  return digestOf(configBytes(state));
}

/** A copy whose config can be changed without touching `state` (states are shared with the cache). */
export function cloneState(state: BuildState): BuildState {
  return { config: structuredClone(state.config), layers: [...state.layers] };
}

/** Sets or replaces `NAME=value` in an env list. */
export function setEnv(env: string[], name: string, value: string): string[] {
  const out = env.filter((e) => e.split("=", 1)[0] !== name);
  out.push(`${name}=${value}`);
  return out;
}

export function envMap(env: readonly string[] | undefined): Map<string, string> {
  const m = new Map<string, string>();
  for (const e of env ?? []) {
    const i = e.indexOf("=");
    if (i > 0) m.set(e.slice(0, i), e.slice(i + 1));
  }
  return m;
}
