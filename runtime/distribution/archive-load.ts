/**
 * `docker load`: reading an image archive into staged images for the image store.
 *
 * The archive is spooled first (archive-spool.ts), then its format is told by its index files: an OCI image layout
 * (`oci-layout` + `index.json`; Docker 25+ archives are one too, and carry manifest.json as well) or a classic
 * docker-archive (`manifest.json` only). Every blob is verified while staging; the store commits the result.
 */
import type { Readable } from "node:stream";
import { invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import type { StagedImages } from "../store/image-import.js";
import { SpooledArchive } from "./archive-spool.js";
import { isDockerArchive, readDockerArchive, repoTagsByConfig } from "./docker-archive.js";
import { isOciLayout, readOciLayout } from "./oci-layout.js";

export async function readArchive(archive: Readable, layout: Layout): Promise<StagedImages> {
  const spool = await SpooledArchive.read(archive, layout);
  try {
    const images = await stage(spool);
    return { images, dispose: () => spool.dispose() };
  } catch (err) {
    await spool.dispose();
    throw err;
  }
}

async function stage(spool: SpooledArchive) {
  if (isOciLayout(spool)) {
    const images = await readOciLayout(spool);
    // An index without name annotations still has names when manifest.json (Docker 25+ save) gives them.
    const tags = await repoTagsByConfig(spool);
    for (const image of images) {
      if (image.names.length === 0) image.names.push(...(tags.get(image.config.digest) ?? []));
    }
    return images;
  }
  if (isDockerArchive(spool)) return readDockerArchive(spool);
  throw invalidArgument(
    "invalid archive: neither an OCI image layout (oci-layout, index.json) nor a docker-archive (manifest.json)",
  );
}
