/**
 * Image events as the image API publishes them, in dockerd's shape:
 * - `load`, `tag` (name = the new name): ID = the image ID;
 * - `untag` (name = the name removed), `delete` (name = the image ID), also for images an `image prune` removed;
 * - `pull`, `push`: ID = the reference moved (`busybox:latest`), name = its repository (`busybox`);
 * - `import`, `save`: ID and name = the image ID.
 * The image is looked up for its ID and labels; an event about a name that no longer resolves is published with the
 * name as its ID.
 */
import type { ImageStore, ImageWithNames, RemoveResult } from "../store/image-store.js";
import { familiarName, familiarString, parseReference } from "../store/reference.js";
import { imageEvent } from "./container-events.js";
import type { EventPublisher } from "./events.js";

function labelsOf(image: ImageWithNames): Record<string, string> {
  return image.config.config?.Labels ?? {};
}

/** The familiar form of a name (`docker.io/library/x:v1` → `x:v1`), as dockerd names images in events. */
function familiar(name: string): string {
  try {
    return familiarString(parseReference(name));
  } catch {
    return name;
  }
}

/** One event about the image `ref` names now (after load, tag, pull, import …). */
export async function publishImageEvent(events: EventPublisher, images: ImageStore, ref: string, action: string,
  name = ref): Promise<void> {
  const image = await images.resolve(ref).catch(() => null);
  events.publish(imageEvent(image?.id ?? ref, action, familiar(name), image ? labelsOf(image) : {}));
}

/** The events of a removal: `untag` per name removed, `delete` when the image itself went. */
export function publishImageRemoval(events: EventPublisher, image: ImageWithNames | null, result: RemoveResult): void {
  if (!image) return;
  const labels = labelsOf(image);
  for (const name of result.untagged) events.publish(imageEvent(image.id, "untag", name, labels));
  if (result.deleted.includes(image.id)) events.publish(imageEvent(image.id, "delete", image.id, labels));
}

/** `pull` or `push` of `ref` (a familiar or full reference): dockerd names the reference, not the image ID. */
export async function publishTransferEvent(events: EventPublisher, images: ImageStore, ref: string,
  action: "pull" | "push"): Promise<void> {
  const image = await images.resolve(ref).catch(() => null);
  let id = ref;
  let name = ref;
  try {
    const parsed = parseReference(ref);
    id = familiarString(parsed);
    name = familiarName(parsed);
  } catch {
    // not a reference after all: published as given
  }
  events.publish(imageEvent(id, action, name, image ? labelsOf(image) : {}));
}

/** `import` and `save`: about the image itself, named by its ID as dockerd does. */
export function publishImageIdEvent(events: EventPublisher, image: ImageWithNames, action: "import" | "save"): void {
  events.publish(imageEvent(image.id, action, image.id, labelsOf(image)));
}
