/**
 * `commit` (POST /commit): the container's changes (its overlay upper directory, runtime artefacts left out) become
 * one new layer on top of its image's, with a config made as dockerd makes it: the container's config, with the
 * `changes` (Dockerfile instructions: CMD, ENTRYPOINT, ENV, EXPOSE, LABEL, ONBUILD, USER, VOLUME, WORKDIR,
 * HEALTHCHECK) applied, and a history entry whose created_by is the container's command. A running container is
 * frozen while its changes are read, like `docker commit` (pause=true). The image is stored through the image store's
 * import path (all or nothing) and tagged `repo:tag` when a repository is given.
 */
import { randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { rm } from "node:fs/promises";
import { join } from "node:path";
import { Readable } from "node:stream";
import { invalidArgument } from "../errors.js";
import { parseInstruction } from "../build/dockerfile/instructions.js";
import { metadataChange } from "../build/steps/metadata.js";
import type { RunConfig } from "../build/state.js";
import { diffLayer } from "../snapshot/layer-diff.js";
import { digestOf } from "../store/digest.js";
import type { StagedBlob } from "../store/image-import.js";
import type { ImageConfig } from "../store/image-store.js";
import { formatReference, parseRepository, withTag } from "../store/reference.js";
import { lowerStat } from "./changes.js";
import { rfc3339Nano, type ContainerConfig } from "./container.js";
import type { ManagerState } from "./manager-state.js";
import { runtimeArtefacts } from "./mount-artefacts.js";
import { withRootfs } from "./rootfs-access.js";

const MANIFEST = "application/vnd.oci.image.manifest.v1+json";
const CONFIG = "application/vnd.oci.image.config.v1+json";
const LAYER = "application/vnd.oci.image.layer.v1.tar+gzip";
const CHANGE_COMMANDS = ["CMD", "ENTRYPOINT", "ENV", "EXPOSE", "LABEL", "ONBUILD", "USER", "VOLUME", "WORKDIR",
  "HEALTHCHECK"];

export interface CommitRequest {
  repo: string;
  tag: string;
  author: string;
  comment: string;
  /** Dockerfile instructions, one per entry */
  changes: string[];
  /** a Config from the request body, replacing the container's before the merge */
  config?: Partial<ContainerConfig> | null;
  pause: boolean;
}

/** The normalised name to tag, or none (`docker commit C` with no repository). */
function targetName(repo: string, tag: string): string[] {
  if (!repo) {
    if (tag) throw invalidArgument("invalid reference format: tag given without a repository");
    return [];
  }
  return [formatReference(withTag(parseRepository(repo), tag || "latest"))];
}

/** dockerd's merge(userConf, containerConf): what the user's config leaves out comes from the container's. */
function mergeConfig(user: RunConfig & Record<string, unknown>, c: ContainerConfig): Record<string, unknown> {
  const out: Record<string, unknown> = { ...c, ...user };
  out.User = user.User || c.User;
  out.Env = user.Env && user.Env.length > 0
    ? [...user.Env, ...c.Env.filter((e) => !user.Env?.some((u) => u.split("=")[0] === e.split("=")[0]))]
    : c.Env;
  out.Labels = { ...(c.Labels ?? {}), ...(user.Labels ?? {}) };
  if (!user.Entrypoint || user.Entrypoint.length === 0) {
    if (!user.Cmd || user.Cmd.length === 0) out.Cmd = c.Cmd;
    if (user.Entrypoint === undefined || user.Entrypoint === null) out.Entrypoint = c.Entrypoint;
  }
  out.WorkingDir = user.WorkingDir || c.WorkingDir;
  out.ExposedPorts = { ...((c.ExposedPorts as object | undefined) ?? {}), ...(user.ExposedPorts ?? {}) };
  out.Volumes = { ...((c.Volumes as object | undefined) ?? {}), ...(user.Volumes ?? {}) };
  out.StopSignal = user.StopSignal || c.StopSignal;
  return out;
}

/** Applies `changes` to a copy of `base` (the request's config, or the container's). */
function applyChanges(base: Partial<ContainerConfig>, changes: string[]): RunConfig & Record<string, unknown> {
  const config = structuredClone(base) as RunConfig & Record<string, unknown>;
  const vars = new Map((config.Env ?? []).map((e) => [e.split("=")[0] as string, e.slice(e.indexOf("=") + 1)]));
  // as in a build, ENTRYPOINT drops the inherited CMD unless a CMD came before it
  let cmdSet = false;
  for (const [i, text] of changes.entries()) {
    if (text.trim() === "") continue;
    const ins = parseInstruction(text.trim(), i + 1, [], "changes");
    if (!CHANGE_COMMANDS.includes(ins.keyword)) {
      throw invalidArgument(`${ins.keyword.toLowerCase()} is not a valid change command`);
    }
    metadataChange(ins, vars, "\\", cmdSet).apply(config);
    cmdSet ||= ins.keyword === "CMD";
  }
  return config;
}

/** Returns the new image's ID. */
export async function commitContainer(m: ManagerState, ref: string, req: CommitRequest): Promise<string> {
  const { images, layout } = m.deps;
  const live = m.registry.find(ref);
  const rec = live.record;
  const names = targetName(req.repo, req.tag);
  const image = await images.resolve(rec.imageId);
  const user = applyChanges(req.config ?? rec.config, req.changes);
  const config = mergeConfig(user, rec.config);
  const lowerDirs = images.layerPaths(image).slice().reverse();

  const file = join(layout.tmpDir(), `commit-${randomBytes(6).toString("hex")}.tar.gz`);
  try {
    const read = async (): Promise<Awaited<ReturnType<typeof diffLayer>>> => {
      const upper = layout.upperDir(rec.id);
      const artefacts = await runtimeArtefacts(upper, (p) => lowerStat(lowerDirs, p) !== null);
      return diffLayer(upper, file, { exclude: (p) => artefacts.has(p) });
    };
    const layer = req.pause ? await withRootfs(m, live, "read", read) : await read();

    const created = rfc3339Nano();
    const base = image.config;
    const history = [...(base.history ?? []), {
      created,
      created_by: (rec.config.Cmd ?? []).join(" "),
      ...(req.author ? { author: req.author } : {}),
      ...(req.comment ? { comment: req.comment } : {}),
    }];
    const imageConfig = {
      architecture: base.architecture ?? "amd64",
      os: base.os ?? "linux",
      created,
      ...(req.author ? { author: req.author } : {}),
      config,
      container: rec.id,
      container_config: rec.config,
      rootfs: { type: "layers", diff_ids: [...image.layers.map((l) => l.diffId), layer.diffId] },
      history,
    };
    const configBytes = Buffer.from(JSON.stringify(imageConfig));
    const layers: StagedBlob[] = [];
    for (const l of image.layers) {
      const { size, stream } = await images.openBlob(l.digest);
      stream.destroy();
      layers.push({
        digest: l.digest,
        mediaType: l.mediaType,
        size,
        open: () => Readable.from((async function* () {
          for await (const chunk of (await images.openBlob(l.digest)).stream) yield chunk as Buffer;
        })()),
      });
    }
    layers.push({ digest: layer.digest, mediaType: LAYER, size: layer.compressedSize, open: () => createReadStream(file) });
    const manifest = Buffer.from(JSON.stringify({
      schemaVersion: 2,
      mediaType: MANIFEST,
      config: { mediaType: CONFIG, digest: digestOf(configBytes), size: configBytes.length },
      layers: layers.map((l) => ({ mediaType: l.mediaType, digest: l.digest, size: l.size })),
    }));
    const staged = (bytes: Buffer, mediaType: string): StagedBlob =>
      ({ digest: digestOf(bytes), mediaType, size: bytes.length, open: () => Readable.from([bytes]) });
    await images.importImages([{
      names,
      manifest: staged(manifest, MANIFEST),
      config: staged(configBytes, CONFIG),
      imageConfig: imageConfig as ImageConfig,
      layers,
      diffIds: imageConfig.rootfs.diff_ids,
    }], () => undefined);
    return digestOf(configBytes);
  } finally {
    await rm(file, { force: true });
  }
}
