/**
 * The on-disk layout of one hakod data root, written down here and built only by {@link Layout}.
 *
 * Every path hakod reads or writes under its data root comes from this mapper, so the layout can be read in one place:
 *
 * ```
 * <root>/
 *   engine.json                          engine identity: {"id": "<64 hex>", "created": RFC3339}; written once
 *   tmp/                                 scratch space on the same filesystem (temp files renamed into place);
 *                                        emptied at start
 *     atomic-<random>                    a file being replaced atomically (store/atomic-file.ts)
 *     load-<random>/<n>                  entries of an archive being loaded, spooled (distribution/archive-spool.ts);
 *                                        the image store's init() removes both kinds
 *     pull-<random>/<hex>                blobs of a registry pull being downloaded and verified before the store
 *                                        commits them (distribution/registry/pull.ts), each unpacked beside it as
 *                                        <hex>.unpacked/fs/ while it downloads; removed by the image store's init()
 *     import-<random>/layer.tar.gz       the layer of a `docker import` being made (distribution/import-rootfs.ts)
 *   content/
 *     blobs/sha256/<hex>                 verified blobs (manifests, indexes, configs, compressed layers), read-only
 *     ingest/<random>                    blobs being written; verified, fsynced, then renamed into blobs/
 *   images/
 *     <config hex>.json                  one image record per image ID (the config digest), see store/image-record.ts
 *     refs.json                          reference store: "docker.io/library/busybox:1.38.0-glibc" → image ID +
 *                                        manifest digest (rewritten atomically)
 *   snapshots/
 *     <chain hex>/fs/                    one unpacked layer, keyed by its chain ID (an overlay lowerdir)
 *     <chain hex>/meta.json              {chainId, diffId, parent, size}; written last (its presence = committed)
 *     tmp-<random>/                      a layer being unpacked (fs/ synced, meta.json written, then renamed to
 *                                        <chain hex>), or a snapshot being removed (renamed here first)
 *   build/
 *     cache.json                         the build cache index (build/cache.ts): cache key → the state a step left
 *                                        (config, layers, history), rewritten atomically; entries whose layers
 *                                        are gone are misses
 *   tmp/build-<random>/                  one build's scratch: the unpacked context, layer tars being written
 *   tmp/commit-<random>.tar.gz           the layer `docker commit` is writing, until the image store has it
 *   (a RUN/COPY step of a build uses containers/<id>/ below, without record.json, while it runs; removed after,
 *   and as an orphan at start when hakod died meanwhile: build/step-rootfs.ts)
 *   events.log                           the engine's events, one JSON line each (Docker's events.Message), appended
 *                                        before the event is announced (runtime/events/journal.ts); past 2 MiB it
 *                                        becomes events.log.1 (replacing that) and a new file starts
 *   containers/<id>/
 *     record.json                        hakod's container record (config, host config, state), rewritten atomically
 *     bundle/config.json                 the OCI runtime spec handed to the executor (hako-shim or runc)
 *     bundle/rootfs/                     overlayfs mount point: lower = image snapshots, upper/work below
 *     upper/  work/                      the container's writable layer and overlay's work dir
 *     container.log                      the log hako-shim writes (frames, see runtime/native/README.md)
 *     container.log.<n>                  rotated logs, container.log.1 the newest; a renamed file is never written
 *                                        again (runtime/containers/log-files.ts reads and follows the chain)
 *     exit.json                          written atomically by hako-shim when the container's init exits
 *     shim.log                           hako-shim's own diagnostics (its stderr), appended
 *     hostname  hosts  resolv.conf       written at create, bind-mounted over /etc/… in the container
 *     shim.pid                           pid of the container's hako-shim
 *     init.pid                           pid (host namespace) of the container's init process
 *     runtime                            the OCI runtime the container is bound to ("hako" or "runc"), written before
 *                                        its first start (oci/runtimes.ts)
 *     exec/<exec id>/                    one `docker exec` while it runs (containers/exec-manager.ts):
 *       process.json                     the OCI process handed to `hako-shim exec`
 *       exit.json                        written by hako-shim exec when the process exits (not fsynced)
 *                                        the directory is removed when hakod has seen the exit; one left behind
 *                                        after a restart of hakod is re-adopted while its shim runs, else removed
 *   runc/<id>/                         runc's state of the containers it runs (runc --root), kept by runc itself
 *   volumes/<name>/
 *     record.json                        the volume's record (driver, labels, options, created), see volumes/volume.ts;
 *                                        the directory appears whole by a rename from tmp/volume-<random>/
 *     _data/                             the volume's content (the mountpoint containers bind)
 *   network/
 *     state.json                         networks, containers' attachments (aliases, addresses while running) and
 *                                        published ports (network/network.ts), rewritten atomically
 *   netns/<id>                           a running container's network namespace, kept by a bind mount of
 *                                        /proc/<pid>/ns/net onto this file (made like `ip netns add`, see
 *                                        network/links.ts); unmounted and removed when the container stops
 * ```
 *
 * Names derived from the root so that two hakods with different roots never meet: the cgroup parent
 * (`/hako-<instance>`), and the abstract-socket prefix of the shims (`hako-<instance>/`), where `<instance>` is the
 * first 12 hex digits of sha256(realpath(root)); and network devices, whose names the kernel limits to 15 characters:
 * the default bridge `hk-<instance[0:8]>`, a user network's bridge `hk<instance[0:6]>-<network id[0:6]>`, and the
 * host end of a container's veth pair `vh<instance[0:5]><8 random hex>` (its peer, until renamed eth<n> in the
 * container, `vc…`).
 */
import { createHash } from "node:crypto";
import { join, resolve } from "node:path";

export class Layout {
  readonly root: string;
  /** 12 hex digits derived from the data root; keeps names of two engines apart. */
  readonly instance: string;

  constructor(root: string) {
    this.root = resolve(root);
    this.instance = createHash("sha256").update(this.root).digest("hex").slice(0, 12);
  }

  engineFile(): string { return join(this.root, "engine.json"); }
  eventsFile(): string { return join(this.root, "events.log"); }
  tmpDir(): string { return join(this.root, "tmp"); }

  blobsDir(): string { return join(this.root, "content", "blobs", "sha256"); }
  /** `digest` is "sha256:<hex>"; the caller has validated it (see store/digest.ts). */
  blobPath(digest: string): string { return join(this.blobsDir(), hexOf(digest)); }
  ingestDir(): string { return join(this.root, "content", "ingest"); }

  imagesDir(): string { return join(this.root, "images"); }
  imageRecord(imageId: string): string { return join(this.imagesDir(), `${hexOf(imageId)}.json`); }
  refsFile(): string { return join(this.imagesDir(), "refs.json"); }

  snapshotsDir(): string { return join(this.root, "snapshots"); }
  snapshotDir(chainId: string): string { return join(this.snapshotsDir(), hexOf(chainId)); }
  snapshotFs(chainId: string): string { return join(this.snapshotDir(chainId), "fs"); }
  snapshotMeta(chainId: string): string { return join(this.snapshotDir(chainId), "meta.json"); }

  buildDir(): string { return join(this.root, "build"); }
  buildCacheFile(): string { return join(this.buildDir(), "cache.json"); }

  containersDir(): string { return join(this.root, "containers"); }
  containerDir(id: string): string { return join(this.containersDir(), id); }
  containerRecord(id: string): string { return join(this.containerDir(id), "record.json"); }
  bundleDir(id: string): string { return join(this.containerDir(id), "bundle"); }
  bundleConfig(id: string): string { return join(this.bundleDir(id), "config.json"); }
  rootfsDir(id: string): string { return join(this.bundleDir(id), "rootfs"); }
  upperDir(id: string): string { return join(this.containerDir(id), "upper"); }
  workDir(id: string): string { return join(this.containerDir(id), "work"); }
  containerLog(id: string): string { return join(this.containerDir(id), "container.log"); }
  exitFile(id: string): string { return join(this.containerDir(id), "exit.json"); }
  shimLogFile(id: string): string { return join(this.containerDir(id), "shim.log"); }
  hostnameFile(id: string): string { return join(this.containerDir(id), "hostname"); }
  hostsFile(id: string): string { return join(this.containerDir(id), "hosts"); }
  resolvConfFile(id: string): string { return join(this.containerDir(id), "resolv.conf"); }
  shimPidFile(id: string): string { return join(this.containerDir(id), "shim.pid"); }
  initPidFile(id: string): string { return join(this.containerDir(id), "init.pid"); }
  runtimeFile(id: string): string { return join(this.containerDir(id), "runtime"); }
  /** runc's state directory (`runc --root`) */
  runcRoot(): string { return join(this.root, "runc"); }
  execsDir(id: string): string { return join(this.containerDir(id), "exec"); }
  /** `execId` is 64 hex digits, made by hakod */
  execDir(id: string, execId: string): string { return join(this.execsDir(id), execId); }
  execProcessFile(id: string, execId: string): string { return join(this.execDir(id, execId), "process.json"); }
  execExitFile(id: string, execId: string): string { return join(this.execDir(id, execId), "exit.json"); }

  volumesDir(): string { return join(this.root, "volumes"); }
  /** `name` has been validated (volumes/names.ts): no "/" or "..". */
  volumeDir(name: string): string { return join(this.volumesDir(), name); }
  volumeRecord(name: string): string { return join(this.volumeDir(name), "record.json"); }
  volumeData(name: string): string { return join(this.volumeDir(name), "_data"); }

  networkDir(): string { return join(this.root, "network"); }
  networkStateFile(): string { return join(this.networkDir(), "state.json"); }
  netnsDir(): string { return join(this.root, "netns"); }
  netnsFile(id: string): string { return join(this.netnsDir(), id); }
  defaultBridge(): string { return `hk-${this.instance.slice(0, 8)}`; }
  bridgeName(networkId: string): string { return `hk${this.instance.slice(0, 6)}-${networkId.slice(0, 6)}`; }
  /** `random` is 8 hex digits */
  vethName(random: string): string { return `vh${this.instance.slice(0, 5)}${random}`; }

  /** cgroup path (absolute, below each controller's root) of one container. */
  cgroupPath(id: string): string { return `/hako-${this.instance}/${id}`; }
  cgroupParent(): string { return `/hako-${this.instance}`; }
  /**
   * Abstract unix socket name (without the leading NUL) where a container's hako-shim listens. Always exactly 107
   * bytes, filling sun_path: Node 20 pads an abstract name with NULs to the whole of sun_path when it connects, so
   * a shim that binds the name with its exact length is reachable only when the name leaves no room for padding.
   */
  shimSocket(id: string): string { return `hako-${this.instance}/${id}`.padEnd(SHIM_SOCKET_NAME_BYTES, "."); }
  /** Abstract socket name of the hako-shim of one exec (same padding as {@link shimSocket}). */
  execSocket(execId: string): string { return `hako-${this.instance}/x/${execId}`.padEnd(SHIM_SOCKET_NAME_BYTES, "."); }
}

/** sizeof(sockaddr_un.sun_path) minus the leading NUL of an abstract name */
const SHIM_SOCKET_NAME_BYTES = 107;

function hexOf(digest: string): string {
  const i = digest.indexOf(":");
  return i >= 0 ? digest.slice(i + 1) : digest;
}
