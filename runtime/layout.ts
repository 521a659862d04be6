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
 *   containers/<id>/
 *     record.json                        hakod's container record (config, host config, state), rewritten atomically
 *     bundle/config.json                 the OCI runtime spec handed to the executor (hako-shim or runc)
 *     bundle/rootfs/                     overlayfs mount point: lower = image snapshots, upper/work below
 *     upper/  work/                      the container's writable layer and overlay's work dir
 *     container.log                      the log hako-shim writes (frames, see runtime/native/README.md)
 *     exit.json                          written atomically by hako-shim when the container's init exits
 *     shim.log                           hako-shim's own diagnostics (its stderr), appended
 *     hostname  hosts  resolv.conf       written at create, bind-mounted over /etc/… in the container
 *     shim.pid                           pid of the container's hako-shim
 *     init.pid                           pid (host namespace) of the container's init process
 * ```
 *
 * Names derived from the root so that two hakods with different roots never meet: the cgroup parent
 * (`/hako-<instance>`), and the abstract-socket prefix of the shims (`hako-<instance>/`), where `<instance>` is the
 * first 12 hex digits of sha256(realpath(root)).
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

  /** cgroup path (absolute, below each controller's root) of one container. */
  cgroupPath(id: string): string { return `/hako-${this.instance}/${id}`; }
  cgroupParent(): string { return `/hako-${this.instance}`; }
  /**
   * Abstract unix socket name (without the leading NUL) where a container's hako-shim listens. Always exactly 107
   * bytes, filling sun_path: Node 20 pads an abstract name with NULs to the whole of sun_path when it connects, so
   * a shim that binds the name with its exact length is reachable only when the name leaves no room for padding.
   */
  shimSocket(id: string): string { return `hako-${this.instance}/${id}`.padEnd(SHIM_SOCKET_NAME_BYTES, "."); }
}

/** sizeof(sockaddr_un.sun_path) minus the leading NUL of an abstract name */
const SHIM_SOCKET_NAME_BYTES = 107;

function hexOf(digest: string): string {
  const i = digest.indexOf(":");
  return i >= 0 ? digest.slice(i + 1) : digest;
}
