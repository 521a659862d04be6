/**
 * Image records: one JSON file per image, images/<config hex>.json, holding an {@link ImageRecord} (the image's
 * config, its layers with their diff IDs and chain IDs, the manifest it came with). A record exists only once every
 * blob and snapshot it names is committed; it is written atomically and removed before those are.
 */
import { mkdir, readdir, readFile, unlink } from "node:fs/promises";
import { internal } from "../errors.js";
import type { Layout } from "../layout.js";
import { fsyncDir, writeJsonAtomic } from "./atomic-file.js";
import { isNoEntry } from "./content-store.js";
import { isDigest } from "./digest.js";
import type { ImageRecord } from "./image-store.js";

const RECORD_FILE = /^([a-f0-9]{64})\.json$/;

export class ImageRecords {
  private records = new Map<string, ImageRecord>();

  constructor(private readonly layout: Layout) {}

  async init(): Promise<void> {
    await mkdir(this.layout.imagesDir(), { recursive: true });
    await mkdir(this.layout.tmpDir(), { recursive: true });
    for (const name of await readdir(this.layout.imagesDir())) {
      const hex = RECORD_FILE.exec(name)?.[1];
      if (!hex) continue;
      const id = `sha256:${hex}`;
      const record = JSON.parse(await readFile(this.layout.imageRecord(id), "utf8")) as ImageRecord;
      if (record.id !== id || !isDigest(record.manifestDigest) || !Array.isArray(record.layers)) {
        throw internal(`${this.layout.imageRecord(id)}: not a valid image record`);
      }
      this.records.set(id, record);
    }
  }

  get(id: string): ImageRecord | undefined {
    return this.records.get(id);
  }

  all(): ImageRecord[] {
    return [...this.records.values()];
  }

  async put(record: ImageRecord): Promise<void> {
    await writeJsonAtomic(this.layout.imageRecord(record.id), record, this.layout.tmpDir());
    this.records.set(record.id, record);
  }

  async delete(id: string): Promise<void> {
    try {
      await unlink(this.layout.imageRecord(id));
    } catch (err) {
      if (!isNoEntry(err)) throw err;
    }
    await fsyncDir(this.layout.imagesDir());
    this.records.delete(id);
  }
}
