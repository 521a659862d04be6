/**
 * Test images derived from the busybox fixture: the same layer plus, optionally, a layer of files, with config fields
 * merged in (VOLUME, HEALTHCHECK, …), packed as an OCI layout archive for `docker load`.
 */
import { readFile, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { busyboxOciLayout } from "./fixtures.js";
import { ociArchive } from "./oci-builder.js";
import { gzip, tarOf, type TarEntry } from "./tar-build.js";

export interface DerivedImage {
  /** the name it loads as, e.g. "hako-test/volumes:1" */
  name: string;
  /** merged into the image config's `config` (Env, Cmd … of busybox are kept) */
  config?: Record<string, unknown>;
  /** a layer on top of busybox's */
  files?: TarEntry[];
}

/** Writes the archive to `dir` and returns its path. */
export async function derivedImageArchive(dir: string, image: DerivedImage): Promise<string> {
  const base = await busyboxOciLayout();
  const blob = (digest: string) => readFile(join(base.dir, "blobs", "sha256", digest.slice(7)));
  const baseConfig = JSON.parse((await blob(base.imageId)).toString()) as { config?: Record<string, unknown> };
  const layers = [await blob(base.layerDigest)];
  if (image.files?.length) layers.push(Buffer.from(gzip(await tarOf(image.files))));
  const archive = await ociArchive({
    layers,
    name: image.name,
    config: { config: { ...(baseConfig.config ?? {}), ...(image.config ?? {}) } } as never,
  });
  const path = join(dir, `${image.name.replace(/[/:]/g, "_")}.tar`);
  await writeFile(path, archive);
  return path;
}
