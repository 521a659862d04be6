/**
 * Media types of the manifests and configs hakod reads: OCI's and the Docker v2 schema 2 equivalents that the same
 * tools still write.
 */
export const OCI_INDEX = "application/vnd.oci.image.index.v1+json";
export const OCI_MANIFEST = "application/vnd.oci.image.manifest.v1+json";
export const OCI_CONFIG = "application/vnd.oci.image.config.v1+json";
export const DOCKER_MANIFEST_LIST = "application/vnd.docker.distribution.manifest.list.v2+json";
export const DOCKER_MANIFEST = "application/vnd.docker.distribution.manifest.v2+json";
export const DOCKER_CONFIG = "application/vnd.docker.container.image.v1+json";
export const DOCKER_LAYER_TAR = "application/vnd.docker.image.rootfs.diff.tar";
export const DOCKER_LAYER_GZIP = "application/vnd.docker.image.rootfs.diff.tar.gzip";

export const isIndex = (t: string | undefined): boolean => t === OCI_INDEX || t === DOCKER_MANIFEST_LIST;
export const isManifest = (t: string | undefined): boolean => t === OCI_MANIFEST || t === DOCKER_MANIFEST;
export const isConfig = (t: string | undefined): boolean => t === OCI_CONFIG || t === DOCKER_CONFIG;

/** The platform hakod runs images for. */
export const HOST_PLATFORM = { os: "linux", architecture: "amd64" } as const;
