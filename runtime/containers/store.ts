/**
 * Durable container records: one `record.json` per container (layout.containerRecord), each written atomically
 * (temp file in layout.tmpDir(), fsync, rename), so a kill -9 of hakod at any instant leaves either the old or the
 * new record. Removal renames the whole container directory into tmp/ (one atomic step; tmp/ is emptied at start)
 * and deletes it afterwards.
 */
import { randomBytes } from "node:crypto";
import { mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { crashPoint } from "../crash-points.js";
import type { Layout } from "../layout.js";
import type { ContainerRecord } from "./container.js";

export interface LoadedRecords {
  records: ContainerRecord[];
  /** container directories without a readable record (a create interrupted before its record was written) */
  orphans: string[];
}

export class ContainerStore {
  /** per-container chain of writes, so two saves of one record never land out of order */
  private readonly writes = new Map<string, Promise<void>>();

  constructor(private readonly layout: Layout) {}

  async init(): Promise<void> {
    await mkdir(this.layout.containersDir(), { recursive: true });
  }

  async loadAll(): Promise<LoadedRecords> {
    const records: ContainerRecord[] = [];
    const orphans: string[] = [];
    const ids = await readdir(this.layout.containersDir()).catch(() => [] as string[]);
    await Promise.all(ids.map(async (id) => {
      try {
        const rec = JSON.parse(await readFile(this.layout.containerRecord(id), "utf8")) as ContainerRecord;
        if (rec.id !== id) throw new Error("record id does not match its directory");
        records.push(rec);
      } catch {
        orphans.push(id);
      }
    }));
    return { records, orphans };
  }

  /** Creates the container's directory and writes its first record. */
  async create(rec: ContainerRecord): Promise<void> {
    await mkdir(this.layout.containerDir(rec.id), { recursive: true });
    crashPoint("create.after-dir");
    await this.save(rec);
  }

  /** Writes the record atomically; resolves once it is durable. */
  save(rec: ContainerRecord): Promise<void> {
    const json = JSON.stringify(rec);
    const prev = this.writes.get(rec.id) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(() => this.writeAtomically(rec.id, json));
    this.writes.set(rec.id, next);
    void next.finally(() => {
      if (this.writes.get(rec.id) === next) this.writes.delete(rec.id);
    }).catch(() => undefined);
    return next;
  }

  private async writeAtomically(id: string, json: string): Promise<void> {
    const tmp = join(this.layout.tmpDir(), `record-${id.slice(0, 12)}-${randomBytes(6).toString("hex")}`);
    const fh = await open(tmp, "w", 0o600);
    try {
      await fh.writeFile(json);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, this.layout.containerRecord(id));
  }

  /**
   * Takes the container's directory out of the store in one step (the record is gone once this resolves) and returns
   * where it now lies, for the caller to unmount and delete.
   */
  async detach(id: string): Promise<string> {
    await (this.writes.get(id) ?? Promise.resolve()).catch(() => undefined);
    const dest = join(this.layout.tmpDir(), `removed-${id.slice(0, 12)}-${randomBytes(6).toString("hex")}`);
    await rename(this.layout.containerDir(id), dest);
    return dest;
  }

  /** Deletes a directory taken out by `detach` (nothing may be mounted below it any more). */
  async destroy(dir: string): Promise<void> {
    await rm(dir, { recursive: true, force: true });
  }
}
