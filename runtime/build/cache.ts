/**
 * The build cache: which state a step left the last time it ran on the same input.
 *
 * **Cache key** of a step = sha256 over its parent's state ID, the instruction after variable substitution (as it is
 * recorded in history, e.g. `|1 V=2 /bin/sh -c make`), the values of the build args it uses, and for COPY/ADD the
 * content digest of the files it copies (names, modes, bytes — never mtimes). Equal keys mean the step would do the
 * same thing to the same state, so its recorded result is reused: a hit costs one lookup and no container.
 *
 * The index lives in `<root>/build/cache.json` (layout.ts), rewritten atomically after each step that ran. An entry
 * holds the whole resulting state (config and layer records); the layers themselves live in the image store, which
 * may delete them when no image uses them any more, so a hit whose layers are gone is a miss.
 */
import { mkdir, readFile } from "node:fs/promises";
import type { Layout } from "../layout.js";
import { writeFileAtomic } from "../store/atomic-file.js";
import { digestOf } from "../store/digest.js";
import type { ImageStore } from "../store/image-store.js";
import { Serial } from "../store/serial.js";
import type { BuildState } from "./state.js";

interface CacheFile {
  version: 1;
  entries: Record<string, { state: BuildState; created: string }>;
}

/** Keeps the index from growing without bound: the oldest entries go first. */
const MAX_ENTRIES = 2000;

export function cacheKey(parentStateId: string, instruction: string, args: Array<[string, string]>, content = ""): string {
  return digestOf(JSON.stringify([parentStateId, instruction, args, content]));
}

export class BuildCache {
  private entries = new Map<string, { state: BuildState; created: string }>();
  private loaded = false;
  private readonly serial = new Serial();

  constructor(private readonly layout: Layout, private readonly images: ImageStore) {}

  private async load(): Promise<void> {
    if (this.loaded) return;
    this.loaded = true;
    try {
      const file = JSON.parse(await readFile(this.layout.buildCacheFile(), "utf8")) as CacheFile;
      if (file.version === 1) this.entries = new Map(Object.entries(file.entries));
    } catch {
      // no index yet, or an unreadable one: start empty (a cache may always forget)
    }
  }

  /** The state recorded for `key`, when its layers are all still in the store. */
  async get(key: string): Promise<BuildState | undefined> {
    await this.load();
    const hit = this.entries.get(key);
    if (!hit) return undefined;
    for (const layer of hit.state.layers) if (!(await this.images.hasLayer(layer))) return undefined;
    return hit.state;
  }

  put(key: string, state: BuildState): Promise<void> {
    return this.serial.run(async () => {
      await this.load();
      this.entries.delete(key);
      this.entries.set(key, { state, created: new Date().toISOString() });
      while (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.keys().next().value as string);
      await mkdir(this.layout.buildDir(), { recursive: true });
      const file: CacheFile = { version: 1, entries: Object.fromEntries(this.entries) };
      await writeFileAtomic(this.layout.buildCacheFile(), JSON.stringify(file), this.layout.tmpDir());
    });
  }
}
