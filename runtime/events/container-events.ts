/**
 * The events of containers and images, with the attributes dockerd gives them: a container's labels, `image` (as the
 * user named it) and `name`, plus what the action adds (`exitCode` for die, `signal` for kill, `oldName` for
 * rename …); an image's labels and `name`.
 */
import type { ContainerRecord } from "../containers/container.js";
import type { EventInput } from "./events.js";

export function containerEvent(rec: ContainerRecord, action: string, extra: Record<string, string> = {}): EventInput {
  return {
    type: "container",
    action,
    actor: {
      id: rec.id,
      attributes: { ...(rec.config.Labels ?? {}), image: rec.config.Image || rec.imageId, name: rec.name, ...extra },
    },
  };
}

export function imageEvent(imageId: string, action: string, name: string, labels: Record<string, string> = {}):
  EventInput {
  return { type: "image", action, actor: { id: imageId, attributes: { ...labels, name } } };
}
