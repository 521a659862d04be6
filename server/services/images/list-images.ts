/**
 * The Images page's rows: one per image (an image with several tags is one row listing them), newest first.
 */
import { engineCall, type Engine } from "../../engine/client";

export interface ImageSummary {
  /** the image ID, "sha256:<hex>" */
  id: string;
  /** `repository:tag` references; empty for a dangling image */
  tags: string[];
  /** the manifest digest the engine knows the image by, "sha256:<hex>", when it has one */
  digest: string | null;
  /** bytes */
  size: number;
  created: Date;
}

export async function listImages(target: Engine): Promise<ImageSummary[]> {
  const infos = await engineCall(target, (docker) => docker.listImages());
  return infos
    .map((info) => ({
      id: info.Id,
      tags: (info.RepoTags ?? []).filter((tag) => tag !== "<none>:<none>"),
      digest: digestOf(info.RepoDigests ?? []),
      size: info.Size,
      created: new Date(info.Created * 1000),
    }))
    .sort((a, b) => b.created.getTime() - a.created.getTime());
}

/** RepoDigests are `name@sha256:<hex>`; every entry of one image names the same manifest. */
function digestOf(repoDigests: string[]): string | null {
  const first = repoDigests.find((entry) => entry.includes("@"));
  return first ? first.slice(first.indexOf("@") + 1) : null;
}
