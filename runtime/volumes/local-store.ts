/**
 * The local volume driver's store: one directory per volume under the data root (layout.volumeDir), holding its record
 * and its content (`_data/`). A volume appears by one rename of a fully written directory from tmp/ and disappears by
 * one rename into tmp/ (emptied at the engine's start), so a crash never leaves half a volume. Operations on one
 * name run one at a time.
 */
import { execFile } from "node:child_process";
import { randomBytes } from "node:crypto";
import { lstat, mkdir, open, readdir, readFile, rename, rm } from "node:fs/promises";
import { join } from "node:path";
import { conflict, internal, invalidArgument, notFound } from "../errors.js";
import type { Layout } from "../layout.js";
import { isMountPoint, mountsUnder, unmount } from "../snapshot/overlay.js";
import { fsyncDir } from "../store/atomic-file.js";
import { validateVolumeName } from "./names.js";
import {
  ANONYMOUS_LABEL, LOCAL_DRIVER, type CreateVolumeRequest, type PruneResult, type Volume, type VolumeRecord,
  type VolumeStore, type VolumeUsers,
} from "./volume.js";

/** Options of the local driver (moby volume/local). */
const LOCAL_OPTIONS = ["type", "device", "o"];

export class LocalVolumeStore implements VolumeStore {
  private users: VolumeUsers = () => [];
  private readonly locks = new Map<string, Promise<unknown>>();

  constructor(private readonly layout: Layout) {}

  setUsers(users: VolumeUsers): void {
    this.users = users;
  }

  async init(): Promise<void> {
    await mkdir(this.layout.volumesDir(), { recursive: true, mode: 0o701 });
  }

  async create(req: CreateVolumeRequest): Promise<Volume> {
    const anonymous = !req.name || req.anonymous === true;
    const name = req.name || randomBytes(32).toString("hex");
    validateVolumeName(name);
    const driver = req.driver || LOCAL_DRIVER;
    if (driver !== LOCAL_DRIVER) {
      throw notFound(`create ${name}: error looking up volume plugin ${driver}: plugin "${driver}" not found`);
    }
    const options = req.driverOpts ?? {};
    for (const [k, v] of Object.entries(options)) {
      if (!LOCAL_OPTIONS.includes(k)) throw invalidArgument(`create ${name}: invalid option key: "${k}"`);
      if (typeof v !== "string") throw invalidArgument(`create ${name}: option "${k}" must be a string`);
    }
    if (Object.keys(options).length > 0 && !options.type) {
      throw invalidArgument(`create ${name}: missing required option: "type"`);
    }
    const labels = { ...(req.labels ?? {}) };
    for (const [k, v] of Object.entries(labels)) {
      if (typeof v !== "string") throw invalidArgument(`create ${name}: label "${k}" must be a string`);
    }
    if (anonymous) labels[ANONYMOUS_LABEL] = "";
    return this.locked(name, async () => {
      const existing = await this.read(name);
      if (existing) {
        if (existing.driver !== driver) {
          throw conflict(`create ${name}: volume name "${name}" already exists with a different driver`);
        }
        return existing;
      }
      const record: VolumeRecord = { name, driver, createdAt: rfc3339Seconds(), labels, options };
      const tmp = join(this.layout.tmpDir(), `volume-${randomBytes(6).toString("hex")}`);
      await mkdir(join(tmp, "_data"), { recursive: true, mode: 0o755 });
      const fh = await open(join(tmp, "record.json"), "w", 0o600);
      try {
        await fh.writeFile(`${JSON.stringify(record)}\n`);
        await fh.sync();
      } finally {
        await fh.close();
      }
      await fsyncDir(tmp);
      try {
        await rename(tmp, this.layout.volumeDir(name));
      } catch (err) {
        await rm(tmp, { recursive: true, force: true });
        throw internal(`create ${name}: ${(err as Error).message}`, err);
      }
      await fsyncDir(this.layout.volumesDir());
      return this.view(record);
    });
  }

  async get(name: string): Promise<Volume> {
    const v = await this.read(name);
    if (!v) throw notFound(`get ${name}: no such volume`);
    return v;
  }

  async list(): Promise<Volume[]> {
    const names = await readdir(this.layout.volumesDir()).catch(() => [] as string[]);
    const vols = await Promise.all(names.map((n) => this.read(n)));
    return vols.filter((v): v is Volume => v !== null).sort((a, b) => a.name.localeCompare(b.name));
  }

  async remove(name: string, opts: { force: boolean }): Promise<void> {
    return this.locked(name, async () => {
      const v = await this.read(name);
      if (!v) {
        if (opts.force) return;
        throw notFound(`get ${name}: no such volume`);
      }
      const users = this.users(name);
      if (users.length > 0) throw conflict(`remove ${name}: volume is in use - [${users.join(", ")}]`);
      await this.destroy(name);
    });
  }

  async prune(keep: (v: Volume) => boolean): Promise<PruneResult> {
    const result: PruneResult = { deleted: [], reclaimed: 0 };
    for (const v of await this.list()) {
      if (keep(v) || this.users(v.name).length > 0) continue;
      await this.locked(v.name, async () => {
        if (this.users(v.name).length > 0 || !(await this.read(v.name))) return;
        const size = await this.size(v.name);
        await this.destroy(v.name);
        result.deleted.push(v.name);
        result.reclaimed += size;
      });
    }
    return result;
  }

  async mountpointFor(name: string): Promise<string> {
    return this.locked(name, async () => {
      const v = await this.get(name);
      if (v.options.type && !(await isMountPoint(v.mountpoint))) {
        const args = ["-n", "-t", v.options.type];
        if (v.options.o) args.push("-o", v.options.o);
        args.push(v.options.device || v.options.type, v.mountpoint);
        await run("mount", args).catch((err: Error) => {
          throw internal(`error while mounting volume '${v.mountpoint}': ${err.message}`, err);
        });
      }
      return v.mountpoint;
    });
  }

  async size(name: string): Promise<number> {
    return dirSize(this.layout.volumeData(name));
  }

  private async read(name: string): Promise<Volume | null> {
    if (name.includes("/") || name === "." || name === "..") return null;
    try {
      const rec = JSON.parse(await readFile(this.layout.volumeRecord(name), "utf8")) as VolumeRecord;
      return rec.name === name ? this.view(rec) : null;
    } catch {
      return null;
    }
  }

  private view(rec: VolumeRecord): Volume {
    return { ...rec, mountpoint: this.layout.volumeData(rec.name) };
  }

  /** Takes the volume's directory out in one rename, then unmounts and deletes it. */
  private async destroy(name: string): Promise<void> {
    for (const m of await mountsUnder(this.layout.volumeDir(name))) await unmount(m);
    const dest = join(this.layout.tmpDir(), `removed-volume-${randomBytes(6).toString("hex")}`);
    await rename(this.layout.volumeDir(name), dest);
    await fsyncDir(this.layout.volumesDir());
    await rm(dest, { recursive: true, force: true });
  }

  private locked<T>(name: string, op: () => Promise<T>): Promise<T> {
    const prev = this.locks.get(name) ?? Promise.resolve();
    const next = prev.catch(() => undefined).then(op);
    const tail = next.catch(() => undefined);
    this.locks.set(name, tail);
    void tail.then(() => {
      if (this.locks.get(name) === tail) this.locks.delete(name);
    });
    return next;
  }
}

/** RFC 3339 to the second, as Docker shows a volume's CreatedAt. */
function rfc3339Seconds(ms = Date.now()): string {
  return `${new Date(ms).toISOString().slice(0, 19)}Z`;
}

function run(cmd: string, args: string[]): Promise<void> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { encoding: "utf8" }, (err, _out, stderr) => (err ? reject(new Error((stderr || err.message).trim())) : resolve()));
  });
}

async function dirSize(dir: string): Promise<number> {
  let total = 0;
  const walk = async (d: string): Promise<void> => {
    const entries = await readdir(d, { withFileTypes: true }).catch(() => []);
    for (const e of entries) {
      const p = join(d, e.name);
      if (e.isDirectory()) await walk(p);
      else total += (await lstat(p).catch(() => null))?.size ?? 0;
    }
  };
  await walk(dir);
  return total;
}
