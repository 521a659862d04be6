/**
 * One image for its detail page: tags, config (command, entrypoint, env, ports, labels…), layers and history, from
 * `GET /images/{id}/json` and `GET /images/{id}/history`.
 */
import { engineCall, type Engine } from "../../engine/client";

export interface ImageLayer {
  /** the layer's diff ID (sha256 of its uncompressed tar) */
  diffId: string;
  /** bytes, from the history step that made it (when the engine says) */
  size: number | null;
  createdBy: string | null;
}

export interface ImageHistoryStep {
  created: Date | null;
  createdBy: string;
  size: number;
  comment: string;
  emptyLayer: boolean;
}

export interface ImageDetail {
  id: string;
  tags: string[];
  digests: string[];
  created: Date | null;
  size: number;
  architecture: string;
  os: string;
  author: string;
  config: {
    cmd: string[] | null;
    entrypoint: string[] | null;
    env: string[];
    workingDir: string;
    user: string;
    exposedPorts: string[];
    volumes: string[];
    stopSignal: string | null;
  };
  labels: Record<string, string>;
  layers: ImageLayer[];
  history: ImageHistoryStep[];
}

interface HistoryEntry {
  Id?: string;
  Created?: number;
  CreatedBy?: string;
  Size?: number;
  Comment?: string;
  Tags?: string[] | null;
}

export async function imageDetail(target: Engine, id: string): Promise<ImageDetail> {
  const info = await engineCall(target, (docker) => docker.getImage(id).inspect());
  const raw = await engineCall(target, (docker) => docker.getImage(info.Id).history() as Promise<HistoryEntry[]>).catch(() => [] as HistoryEntry[]);
  // The API lists history newest first; the layers go oldest first, one per step that is not an empty layer.
  const history: ImageHistoryStep[] = [...raw].reverse().map((h) => ({
    created: h.Created ? new Date(h.Created * 1000) : null,
    createdBy: h.CreatedBy ?? "",
    size: h.Size ?? 0,
    comment: h.Comment ?? "",
    emptyLayer: (h.Size ?? 0) === 0 && /#\(nop\)|^(ENV|CMD|LABEL|WORKDIR|EXPOSE|USER|ENTRYPOINT|ARG|STOPSIGNAL|VOLUME)\b/.test((h.CreatedBy ?? "").trim()),
  }));
  const layerSteps = history.filter((h) => !h.emptyLayer);
  const diffIds = info.RootFS?.Layers ?? [];
  const aligned = layerSteps.length === diffIds.length;
  const cfg = info.Config ?? ({} as typeof info.Config);
  return {
    id: info.Id,
    tags: (info.RepoTags ?? []).filter((t) => t !== "<none>:<none>"),
    digests: info.RepoDigests ?? [],
    created: info.Created ? new Date(info.Created) : null,
    size: info.Size,
    architecture: info.Architecture,
    os: info.Os,
    author: info.Author ?? "",
    config: {
      cmd: (cfg.Cmd as string[] | null | undefined) ?? null,
      entrypoint: (cfg.Entrypoint as string[] | null | undefined) ?? null,
      env: cfg.Env ?? [],
      workingDir: cfg.WorkingDir ?? "",
      user: cfg.User ?? "",
      exposedPorts: Object.keys(cfg.ExposedPorts ?? {}),
      volumes: Object.keys(cfg.Volumes ?? {}),
      stopSignal: (cfg as { StopSignal?: string }).StopSignal ?? null,
    },
    labels: cfg.Labels ?? {},
    layers: diffIds.map((diffId, i) => ({
      diffId,
      size: aligned ? (layerSteps[i]?.size ?? null) : null,
      createdBy: aligned ? (layerSteps[i]?.createdBy ?? null) : null,
    })),
    history,
  };
}
