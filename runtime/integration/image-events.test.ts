/**
 * The image events of distribution, as `docker events` shows them: tag, push, untag, pull, save, load, import,
 * delete and the removals of `image prune`, each in dockerd's shape (pull and push name the reference, import and save
 * the image ID), read back with the stock CLI over `--since`/`--until` from a private hakod and a real docker-registry.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { busyboxOciLayout } from "../testing/fixtures.js";
import { havePeers, startRealRegistry, type RealRegistry } from "../testing/registry-peers.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

const enabled = isRoot && havePeers;

describe.skipIf(!enabled)("image events of pull, push, save, load, import, tag and removal", () => {
  let engine: EngineHandle;
  let registry: RealRegistry;
  let busybox: string;
  let dir: string;

  beforeAll(async () => {
    engine = await startEngine({ logLevel: "info" });
    registry = await startRealRegistry();
    busybox = await engine.loadBusybox();
    dir = await mkdtemp(join(tmpdir(), "hako-image-events-"));
  });
  afterAll(async () => {
    await engine?.cleanup();
    await registry?.stop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  /** `docker events` between `since` (Unix seconds) and now, image events only, one line per event. */
  const imageEvents = async (since: string): Promise<string[]> => {
    const r = await engine.docker(["events", "--since", since, "--until", new Date().toISOString(), "--filter", "type=image",
      "--format", "{{.Action}} {{.Actor.ID}} {{.Actor.Attributes.name}}"]);
    expect(r.stderr).toBe("");
    return r.stdout.split("\n").filter(Boolean);
  };
  const ok = async (args: string[]): Promise<string> => {
    const r = await engine.docker(args);
    expect(r.code, `docker ${args.join(" ")}: ${r.stderr}`).toBe(0);
    return r.stdout;
  };

  it("each verb publishes its event, in order, with the IDs and names dockerd gives them", async () => {
    const since = new Date().toISOString();
    const fixture = await busyboxOciLayout();
    const id = fixture.imageId;
    const ref = `${registry.host}/events/bb:v1`;
    const archive = join(dir, "bb.tar");
    const layer = join(fixture.dir, "blobs", "sha256", fixture.layerDigest.slice(7));

    await ok(["tag", busybox, ref]);
    await ok(["push", ref]);
    await ok(["rmi", ref]);
    await ok(["pull", ref]);
    await ok(["save", "-o", archive, ref]);
    await ok(["rmi", ref]);
    await ok(["load", "-i", archive]);
    const imported = (await ok(["import", layer])).trim();
    await ok(["rmi", imported]);

    expect(await imageEvents(since)).toEqual([
      `tag ${id} ${ref}`,
      `push ${ref} ${registry.host}/events/bb`,
      `untag ${id} ${ref}`,
      `pull ${ref} ${registry.host}/events/bb`,
      `save ${id} ${id}`,
      `untag ${id} ${ref}`,
      `load ${id} ${ref}`,
      `import ${imported} ${imported}`,
      `delete ${imported} ${imported}`,
    ]);
  });

  it("image prune publishes the untag and delete of what it removed; a failed pull publishes nothing", async () => {
    const since = new Date().toISOString();
    const fixture = await busyboxOciLayout();
    const layer = join(fixture.dir, "blobs", "sha256", fixture.layerDigest.slice(7));
    const imported = (await ok(["import", layer, "events/doomed:1"])).trim();
    await ok(["tag", busybox, "events/doomed:1"]); // the imported image is dangling now
    await ok(["image", "prune", "-f"]);
    const missing = await engine.docker(["pull", `${registry.host}/events/none:v1`]);
    expect(missing.code).not.toBe(0);

    expect(await imageEvents(since)).toEqual([
      `import ${imported} ${imported}`,
      `tag ${fixture.imageId} events/doomed:1`,
      `delete ${imported} ${imported}`,
    ]);
  });
});
