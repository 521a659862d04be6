/**
 * Volumes: named directories that outlive containers, mounted into them at a path.
 *
 * Terms:
 * - **volume**: a name and a directory on the host (its **mountpoint**, `<root>/volumes/<name>/_data` for the local
 *   driver), with labels and driver options fixed at creation.
 * - **named volume**: created by `docker volume create NAME` or on first use by `-v NAME:/path`; removed only on
 *   request (`docker volume rm`, `prune`).
 * - **anonymous volume**: created for a container from the image's `VOLUME` or `-v /path`, named with 64 random hex
 *   digits and labelled `com.docker.volume.anonymous`; `rm -v` and `run --rm` remove it with its container.
 * - **in use**: some container (running or not) mounts the volume; such a volume cannot be removed (Conflict) and
 *   prune leaves it alone.
 * - **driver**: only `local` exists: a plain directory, or, with the options `type`/`device`/`o`, a filesystem mounted
 *   on that directory while the volume is in use (`--opt type=tmpfs --opt device=tmpfs --opt o=size=64m`).
 *
 * Lifecycle: `create` (idempotent: the same name again returns the existing volume) → containers mount it →
 * `remove` when no container uses it. Every change is durable when the call returns; a crash leaves a volume either
 * wholly there or wholly absent.
 */

export const LOCAL_DRIVER = "local";
export const ANONYMOUS_LABEL = "com.docker.volume.anonymous";

/** The durable record of a volume (`<root>/volumes/<name>/record.json`). */
export interface VolumeRecord {
  name: string;
  driver: string;
  /** RFC 3339 */
  createdAt: string;
  labels: Record<string, string>;
  options: Record<string, string>;
}

export interface Volume extends VolumeRecord {
  /** the directory containers bind */
  mountpoint: string;
}

export interface CreateVolumeRequest {
  /** empty: a random name (the volume is then anonymous) */
  name?: string;
  /** labels it anonymous even with a name given (a container's volume, named when the container was created) */
  anonymous?: boolean;
  driver?: string;
  driverOpts?: Record<string, string>;
  labels?: Record<string, string>;
}

export interface PruneResult {
  deleted: string[];
  /** bytes */
  reclaimed: number;
}

/** Which containers use a volume (IDs), for the in-use checks. */
export type VolumeUsers = (name: string) => string[];

export interface VolumeStore {
  /** Opens the store: creates its directory. */
  init(): Promise<void>;
  /**
   * Creates a volume, or returns the existing one of that name (Conflict when it has another driver). InvalidArgument
   * for a bad name or option, NotFound for an unknown driver.
   */
  create(req: CreateVolumeRequest): Promise<Volume>;
  /** NotFound "get NAME: no such volume". */
  get(name: string): Promise<Volume>;
  list(): Promise<Volume[]>;
  /** Conflict when in use (unless `force`, which Docker also refuses for a volume in use); NotFound when absent. */
  remove(name: string, opts: { force: boolean }): Promise<void>;
  /** Removes every volume no container uses that `keep` does not keep. */
  prune(keep: (v: Volume) => boolean): Promise<PruneResult>;
  /** Makes the volume's directory ready for a container (mounts a driver-option filesystem) and returns it. */
  mountpointFor(name: string): Promise<string>;
  /** Bytes used below the volume's directory. */
  size(name: string): Promise<number>;
  /** Set by the engine: which containers use a volume. */
  setUsers(users: VolumeUsers): void;
}
