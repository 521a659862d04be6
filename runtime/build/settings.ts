/**
 * What every step of one build shares: the engine parts it uses ({@link BuildDeps}) and the build's own settings
 * ({@link BuildSettings}: the client's options, the context, where scratch files go, where progress goes, the
 * states of the stages built so far).
 */
import type { ImageStore } from "../store/image-store.js";
import type { BuildCache } from "./cache.js";
import type { BuildContext } from "./context.js";
import type { BuildProgress } from "./progress.js";
import type { RunDeps } from "./run-command.js";
import type { BuildState } from "./state.js";
import type { Stage } from "./stages.js";

/** Build args every Dockerfile may use without declaring them (kept out of history and cache keys). */
export const PROXY_ARGS = new Set([
  "HTTP_PROXY", "http_proxy", "HTTPS_PROXY", "https_proxy", "FTP_PROXY", "ftp_proxy", "NO_PROXY", "no_proxy",
  "ALL_PROXY", "all_proxy",
]);

export interface BuildDeps extends RunDeps {
  images: ImageStore;
  cache: BuildCache;
}

export interface BuildSettings {
  /** build args the client gave (`--build-arg`); a null value in the API means "take it from the environment": unset */
  buildArgs: ReadonlyMap<string, string>;
  /** names of build args some ARG declared (the rest draw a warning) */
  consumedArgs: Set<string>;
  noCache: boolean;
  /** whether a cache hit may be used (`cachefrom` limits hits to the layers of the given images) */
  cacheAllowed(state: BuildState): boolean;
  hostNetwork: boolean;
  /** SOURCE_DATE_EPOCH (a build arg): timestamps of history and config, and the clamp for file mtimes */
  sourceDateEpoch?: number;
  /** the build's scratch directory (tmp/build-<random>/) */
  scratch: string;
  context: BuildContext;
  escape: string;
  progress: BuildProgress;
  stages: Stage[];
  /** states of the stages built so far, by stage index */
  stageStates: Map<number, BuildState>;
}
