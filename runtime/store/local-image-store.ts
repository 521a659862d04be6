/**
 * The image store of one hakod data root: content store + snapshots + image records + reference store, on disk as
 * layout.ts describes. Verbs that change the store run one at a time (serial.ts); reads use the in-memory copies of
 * records and references, which change only after the disk did.
 */
import { mkdir, readdir, rm } from "node:fs/promises";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { readArchive } from "../distribution/archive-load.js";
import { SPOOL_PREFIX } from "../distribution/archive-spool.js";
import { PULL_PREFIX } from "../distribution/registry/pull.js";
import { invalidArgument } from "../errors.js";
import type { Layout } from "../layout.js";
import { SnapshotStore } from "../snapshot/snapshot-store.js";
import { ATOMIC_TMP_PREFIX } from "./atomic-file.js";
import { ContentStore } from "./content-store.js";
import { removeUnreferenced } from "./garbage.js";
import { commitImages } from "./image-commit.js";
import type { ImageImport } from "./image-import.js";
import { lookupImage } from "./image-lookup.js";
import { ImageRecords } from "./image-record.js";
import { removeImage } from "./image-remove.js";
import { addBuiltLayer } from "./layer-add.js";
import type {
  BuiltLayer, ImageRecord, ImageStore, ImageUser, ImageWithNames, LayerRecord, LoadProgress, RemoveResult,
} from "./image-store.js";
import { familiarize, familiarName, formatReference, parseNamed, parseReference } from "./reference.js";
import { ReferenceStore } from "./refs.js";
import { Serial } from "./serial.js";
import type { StoreParts } from "./store-parts.js";

export class LocalImageStore implements ImageStore {
  private readonly parts: StoreParts;
  private readonly serial = new Serial();
  private inUse: (imageId: string) => ImageUser | boolean | undefined = () => undefined;

  constructor(readonly layout: Layout) {
    this.parts = {
      layout,
      content: new ContentStore(layout),
      snapshots: new SnapshotStore(layout),
      records: new ImageRecords(layout),
      refs: new ReferenceStore(layout),
    };
  }

  async init(): Promise<void> {
    await mkdir(this.layout.tmpDir(), { recursive: true });
    for (const name of await readdir(this.layout.tmpDir())) {
      // a pull's staging directory holds unpacked layers too: big, and useless after a restart
      if (name.startsWith(ATOMIC_TMP_PREFIX) || name.startsWith(SPOOL_PREFIX) || name.startsWith(PULL_PREFIX)) {
        await rm(join(this.layout.tmpDir(), name), { recursive: true, force: true });
      }
    }
    const { content, snapshots, records, refs } = this.parts;
    await content.init();
    await snapshots.init();
    await records.init();
    await refs.init();
    // References are written last and removed first, so one naming a missing image means a damaged data root.
    const dangling = refs.entries().filter(([, t]) => !records.get(t.imageId)).map(([name]) => name);
    if (dangling.length > 0) await refs.update([], dangling);
    // Blobs and snapshots of a load or remove that a crash cut short.
    await removeUnreferenced(this.parts);
  }

  async resolve(ref: string): Promise<ImageWithNames> {
    const { imageId } = lookupImage(ref, this.parts.refs, this.parts.records);
    return this.withNames(this.parts.records.get(imageId) as ImageRecord);
  }

  async list(): Promise<ImageWithNames[]> {
    return this.parts.records
      .all()
      .sort((a, b) => b.loadedAt.localeCompare(a.loadedAt))
      .map((r) => this.withNames(r));
  }

  async load(archive: Readable, progress: LoadProgress): Promise<string[]> {
    const staged = await readArchive(archive, this.layout);
    try {
      return await this.serial.run(() => commitImages(this.parts, staged.images, progress));
    } finally {
      await staged.dispose();
    }
  }

  importImages(images: ImageImport[], progress: LoadProgress): Promise<string[]> {
    return this.serial.run(() => commitImages(this.parts, images, progress));
  }

  hasBlob(digest: string): Promise<boolean> {
    return this.parts.content.has(digest);
  }

  async openBlob(digest: string, start = 0, end = Infinity): Promise<{ size: number; stream: Readable }> {
    const size = await this.parts.content.size(digest);
    return { size, stream: await this.parts.content.open(digest, start, end) };
  }

  /** `noPrune` changes nothing: loaded images have no parent images to prune. */
  remove(ref: string, opts: { force: boolean; noPrune: boolean }): Promise<RemoveResult> {
    return this.serial.run(() => removeImage(this.parts, ref, opts, (id) => this.userOf(id)));
  }

  tag(source: string, target: string): Promise<void> {
    return this.serial.run(async () => {
      const { imageId } = lookupImage(source, this.parts.refs, this.parts.records);
      const ref = parseReference(target);
      if (ref.digest !== undefined) throw invalidArgument(`refusing to create a tag with a digest reference: ${target}`);
      const record = this.parts.records.get(imageId) as ImageRecord;
      const name = formatReference({ domain: ref.domain, path: ref.path, tag: ref.tag ?? "latest" });
      await this.parts.refs.update([[name, { imageId, manifestDigest: record.manifestDigest }]]);
    });
  }

  layerPaths(image: Pick<ImageRecord, "layers">): string[] {
    return image.layers.map((l) => this.parts.snapshots.fsDir(l.chainId));
  }

  addLayer(layer: BuiltLayer, parent: string | null): Promise<LayerRecord> {
    return this.serial.run(() => addBuiltLayer(this.parts, layer, parent));
  }

  async hasLayer(layer: LayerRecord): Promise<boolean> {
    return (await this.parts.snapshots.has(layer.chainId)) && (await this.parts.content.has(layer.digest));
  }

  setInUse(check: (imageId: string) => ImageUser | boolean | undefined): void {
    this.inUse = check;
  }

  private userOf(imageId: string): ImageUser | undefined {
    const use = this.inUse(imageId);
    if (use === true) return { containerId: "(unknown)", running: false };
    return use || undefined;
  }

  private withNames(record: ImageRecord): ImageWithNames {
    const names = this.parts.refs.namesOf(record.id);
    const repoDigests = new Set<string>();
    for (const name of names) {
      const target = this.parts.refs.get(name);
      if (target) repoDigests.add(`${familiarName(parseNamed(name))}@${target.manifestDigest}`);
    }
    // a name with a digest (an image pulled by digest) is a repository digest, not a tag
    return { ...record, repoTags: names.filter((n) => !n.includes("@")).map(familiarize), repoDigests: [...repoDigests] };
  }
}
