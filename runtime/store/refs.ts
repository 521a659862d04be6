/**
 * The reference store: normalised names (`docker.io/library/busybox:1.38.0-glibc`) → the image they point at.
 *
 * Persisted as images/refs.json, `{"version": 1, "refs": {<name>: {"imageId", "manifestDigest"}}}`, and only ever
 * replaced whole by rename (see atomic-file.ts): a crash leaves the previous or the next set of names. The in-memory
 * copy changes only after the file did, so memory never runs ahead of disk.
 */
import { mkdir, readFile } from "node:fs/promises";
import { internal } from "../errors.js";
import type { Layout } from "../layout.js";
import { writeJsonAtomic } from "./atomic-file.js";
import { isNoEntry } from "./content-store.js";
import { isDigest } from "./digest.js";

export interface RefTarget {
  imageId: string;
  manifestDigest: string;
}

interface RefsFile {
  version: 1;
  refs: Record<string, RefTarget>;
}

export class ReferenceStore {
  private refs = new Map<string, RefTarget>();

  constructor(private readonly layout: Layout) {}

  async init(): Promise<void> {
    await mkdir(this.layout.imagesDir(), { recursive: true });
    await mkdir(this.layout.tmpDir(), { recursive: true });
    let text: string;
    try {
      text = await readFile(this.layout.refsFile(), "utf8");
    } catch (err) {
      if (isNoEntry(err)) return;
      throw err;
    }
    const file = JSON.parse(text) as RefsFile;
    if (file.version !== 1 || typeof file.refs !== "object") {
      throw internal(`${this.layout.refsFile()}: unknown format`);
    }
    for (const [name, target] of Object.entries(file.refs)) {
      if (!isDigest(target.imageId) || !isDigest(target.manifestDigest)) {
        throw internal(`${this.layout.refsFile()}: bad entry for ${name}`);
      }
      this.refs.set(name, { imageId: target.imageId, manifestDigest: target.manifestDigest });
    }
  }

  get(name: string): RefTarget | undefined {
    return this.refs.get(name);
  }

  /** Names pointing at an image, sorted. */
  namesOf(imageId: string): string[] {
    return [...this.refs].filter(([, t]) => t.imageId === imageId).map(([n]) => n).sort();
  }

  entries(): Array<[string, RefTarget]> {
    return [...this.refs];
  }

  /** Points names at targets and removes others, as one atomic replacement of refs.json. */
  async update(set: Array<[string, RefTarget]>, remove: string[] = []): Promise<void> {
    const next = new Map(this.refs);
    for (const name of remove) next.delete(name);
    for (const [name, target] of set) next.set(name, target);
    const file: RefsFile = { version: 1, refs: Object.fromEntries([...next].sort(([a], [b]) => a.localeCompare(b))) };
    await writeJsonAtomic(this.layout.refsFile(), file, this.layout.tmpDir());
    this.refs = next;
  }
}
