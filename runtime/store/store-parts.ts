/**
 * The parts the local image store is made of, handed together to the files that implement its verbs
 * (image-commit.ts, image-remove.ts, image-lookup.ts, garbage.ts).
 */
import type { Layout } from "../layout.js";
import type { SnapshotStore } from "../snapshot/snapshot-store.js";
import type { ContentStore } from "./content-store.js";
import type { ImageRecords } from "./image-record.js";
import type { ReferenceStore } from "./refs.js";

export interface StoreParts {
  layout: Layout;
  content: ContentStore;
  snapshots: SnapshotStore;
  records: ImageRecords;
  refs: ReferenceStore;
}
