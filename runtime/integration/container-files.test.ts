/**
 * A container's files with the stock docker CLI against a real hakod: diff, export, commit (then run the image),
 * `docker cp` both ways on running and stopped containers, and hostile archives pushed at
 * PUT /containers/{id}/archive that try to write outside the container's root.
 */
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { extract } from "tar-stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { tarOf, type TarEntry } from "../testing/tar-build.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";
import { until } from "./observe-helpers.js";

/** Names (and file contents) of a tar. */
async function tarContents(data: Buffer): Promise<Map<string, string>> {
  const out = new Map<string, string>();
  const ex = extract();
  const done = (async () => {
    for await (const entry of ex) {
      const chunks: Buffer[] = [];
      for await (const c of entry) chunks.push(c as Buffer);
      out.set(entry.header.name, entry.header.type === "symlink" ? `-> ${entry.header.linkname}` : Buffer.concat(chunks).toString());
    }
  })();
  ex.end(data);
  await done;
  return out;
}

describe.skipIf(!isRoot)("container files through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;
  let local: string;

  const docker = (...args: string[]) => engine.docker(args);
  /** what `docker cp` sees of a path in a container (HEAD …/archive): its stat, or undefined while it is missing */
  const pathStat = async (container: string, path: string): Promise<{ size: number } | undefined> => {
    const head = await engine.request("HEAD", `/containers/${container}/archive?path=${encodeURIComponent(path)}`);
    if (head.status === 404) return undefined;
    expect(head.status).toBe(200);
    return JSON.parse(Buffer.from(String(head.headers["x-docker-container-path-stat"]), "base64").toString()) as { size: number };
  };
  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
    local = await mkdtemp(join(tmpdir(), "hako-cp-"));
  });
  afterAll(async () => {
    await engine?.cleanup();
    await rm(local, { recursive: true, force: true });
  });

  it("lists the changes like docker diff (C/A/D), without the runtime's mount points", async () => {
    await docker("run", "--name", "changer", B, "sh", "-c",
      "echo hi > /tmp/x; rm /bin/ls; mkdir -p /new/dir; echo a > /new/dir/a; echo extra >> /etc/passwd");
    const diff = await docker("diff", "changer");
    expect(diff.stdout).toBe([
      "C /bin", "D /bin/ls", "C /etc", "C /etc/passwd", "A /new", "A /new/dir", "A /new/dir/a", "C /tmp", "A /tmp/x", "",
    ].join("\n"));
    const api = await engine.request("GET", "/containers/changer/changes");
    expect(api.json()).toContainEqual({ Path: "/bin/ls", Kind: 2 });

    await docker("run", "--name", "unchanged", B, "true");
    expect((await engine.request("GET", "/containers/unchanged/changes")).text).toBe("null\n");
    expect((await docker("diff", "unchanged")).stdout).toBe("");
    await docker("rm", "unchanged");
  });

  it("exports the merged root filesystem of a stopped and of a running container", async () => {
    const stopped = await engine.request("GET", "/containers/changer/export");
    expect(stopped.status).toBe(200);
    expect(stopped.headers["content-type"]).toBe("application/x-tar");
    const files = await tarContents(stopped.body);
    expect(files.get("tmp/x")).toBe("hi\n");
    expect(files.get("new/dir/a")).toBe("a\n");
    expect(files.get("etc/passwd")).toContain("extra\n");
    expect(files.has("bin/ls")).toBe(false);
    expect(files.has("bin/sh")).toBe(true);

    const out = join(local, "export.tar");
    expect((await docker("export", "-o", out, "changer")).code).toBe(0);
    expect((await tarContents(await readFile(out))).get("tmp/x")).toBe("hi\n");

    await docker("run", "-d", "--name", "live", B, "sh", "-c", "echo running > /tmp/live; sleep 600");
    await until(async () => (await pathStat("live", "/tmp/live"))?.size === "running\n".length);
    const running = await tarContents((await engine.request("GET", "/containers/live/export")).body);
    expect(running.get("tmp/live")).toBe("running\n");
    // it kept running (it was only frozen while being read)
    expect((await docker("inspect", "-f", "{{.State.Status}}", "live")).stdout.trim()).toBe("running");
  });

  it("commits the changes as an image that runs: the file is there, the deletion too, changes apply", async () => {
    const r = await docker("commit", "-a", "tester", "-m", "a note", "-c", 'CMD ["cat", "/tmp/x"]', "-c", "ENV FOO=bar",
      "changer", "committed:v1");
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    expect((await docker("run", "--rm", "committed:v1")).stdout).toBe("hi\n");
    expect((await docker("run", "--rm", "committed:v1", "cat", "/new/dir/a")).stdout).toBe("a\n");
    expect((await docker("run", "--rm", "committed:v1", "sh", "-c", "test -e /bin/ls || echo gone")).stdout).toBe("gone\n");
    expect((await docker("run", "--rm", "committed:v1", "sh", "-c", "echo $FOO")).stdout).toBe("bar\n");
    // the runtime's own mount points (busybox has no /etc/hosts, /proc or /sys) are not part of the layer
    const created = (await docker("create", "committed:v1")).stdout.trim();
    for (const path of ["/etc/hosts", "/etc/resolv.conf", "/proc", "/sys"]) {
      expect((await engine.request("HEAD", `/containers/${created}/archive?path=${path}`)).status, path).toBe(404);
    }
    await docker("rm", created);

    const inspect = await docker("image", "inspect", "-f", "{{.Author}}|{{len .RootFS.Layers}}|{{.Config.Cmd}}", "committed:v1");
    expect(inspect.stdout.trim()).toBe("tester|2|[cat /tmp/x]");
    const history = await docker("history", "--no-trunc", "--format", "{{.CreatedBy}}|{{.Comment}}", "committed:v1");
    expect(history.stdout.split("\n")[0]).toBe(
      "sh -c echo hi > /tmp/x; rm /bin/ls; mkdir -p /new/dir; echo a > /new/dir/a; echo extra >> /etc/passwd|a note");

    const bad = await docker("commit", "-c", "RUN echo no", "changer", "committed:v2");
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain("run is not a valid change command");
    const badName = await docker("commit", "changer", "Not/Valid");
    expect(badName.stderr).toContain("invalid reference format");
    const unknown = await docker("commit", "nosuch", "committed:v3");
    expect(unknown.stderr).toContain("No such container: nosuch");
  });

  it("copies a file and a directory out of running and stopped containers", async () => {
    expect((await docker("cp", "live:/tmp/live", join(local, "live.txt"))).code).toBe(0);
    expect(await readFile(join(local, "live.txt"), "utf8")).toBe("running\n");
    expect((await docker("cp", "changer:/new/dir", join(local, "dir-out"))).code).toBe(0);
    expect(await readFile(join(local, "dir-out", "a"), "utf8")).toBe("a\n");
    expect((await docker("cp", "changer:/new/dir/.", join(local, "contents"))).code).toBe(0);
    expect(await readdir(join(local, "contents"))).toEqual(["a"]);

    const head = await engine.request("HEAD", "/containers/changer/archive?path=/new/dir");
    expect(head.status).toBe(200);
    const stat = JSON.parse(Buffer.from(String(head.headers["x-docker-container-path-stat"]), "base64").toString());
    expect(stat).toMatchObject({ name: "dir", size: expect.any(Number), linkTarget: "" });
    expect(stat.mode >>> 0).toBe((2 ** 31 + 0o755) >>> 0);
    expect(stat.mtime).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/);

    const missing = await docker("cp", "changer:/no/such/file", join(local, "x"));
    expect(missing.code).toBe(1);
    expect(missing.stderr).toContain("Could not find the file /no/such/file in container changer");
    const api = await engine.request("GET", "/containers/changer/archive?path=/no/such/file");
    expect(api.status).toBe(404);
    const noPath = await engine.request("GET", "/containers/changer/archive");
    expect(noPath.status).toBe(400);
    const unknown = await docker("cp", "nosuch:/etc/passwd", join(local, "x"));
    expect(unknown.stderr).toContain("No such container: nosuch");
  });

  it("copies a file and a directory into running and stopped containers", async () => {
    await writeFile(join(local, "in.txt"), "copied in\n");
    await mkdir(join(local, "indir", "sub"), { recursive: true });
    await writeFile(join(local, "indir", "sub", "f"), "deep\n");

    expect((await docker("cp", join(local, "in.txt"), "live:/tmp/")).code).toBe(0);
    expect((await docker("exec", "live", "cat", "/tmp/in.txt")).stdout).toBe("copied in\n");
    expect((await docker("cp", join(local, "indir"), "live:/opt")).code).toBe(0);
    expect((await docker("exec", "live", "cat", "/opt/sub/f")).stdout).toBe("deep\n");

    // a stopped container: the file is there at the next start
    expect((await docker("cp", join(local, "in.txt"), "changer:/renamed.txt")).code).toBe(0);
    expect((await docker("cp", join(local, "indir"), "changer:/tmp/")).code).toBe(0);
    await docker("start", "-a", "changer").catch(() => undefined);
    const files = await tarContents((await engine.request("GET", "/containers/changer/export")).body);
    expect(files.get("renamed.txt")).toBe("copied in\n");
    expect(files.get("tmp/indir/sub/f")).toBe("deep\n");

    const notDir = await engine.request("PUT", "/containers/changer/archive?path=/renamed.txt",
      { body: await tarOf([{ name: "x", content: "x" }]) });
    expect(notDir.status).toBe(400);
    expect(notDir.json()).toEqual({ message: "extraction point is not a directory" });
    const noDest = await engine.request("PUT", "/containers/changer/archive?path=/no/such/dir",
      { body: await tarOf([{ name: "x", content: "x" }]) });
    expect(noDest.status).toBe(404);
    const noClobber = await engine.request("PUT", "/containers/changer/archive?path=/&noOverwriteDirNonDir=true",
      { body: await tarOf([{ name: "tmp", content: "a file where a directory is" }]) });
    expect(noClobber.status).toBe(400);
    expect((noClobber.json() as { message: string }).message).toContain("cannot overwrite directory");
  });

  describe("hostile archives never write outside the container's root", () => {
    let id: string;
    let rootfsParent: string;
    const marker = `hako-pwned-${process.pid}`;

    beforeAll(async () => {
      id = (await docker("run", "-d", B, "sh", "-c", `mkdir -p /dst; ln -s / /dst/up; ln -s /../../../../../../../tmp /hostile; sleep 600`)).stdout.trim();
      rootfsParent = join(engine.dataRoot, "containers", id);
      await until(async () => (await pathStat(id, "/hostile")) !== undefined); // the last of the links is made
    });

    const put = (path: string, entries: TarEntry[]) => async () =>
      engine.request("PUT", `/containers/${id}/archive?path=${encodeURIComponent(path)}`, { body: await tarOf(entries) });
    /** every place a hostile write could land outside the container: the host's /tmp, the container directory */
    const escaped = (): string[] => [join("/tmp", marker), join(rootfsParent, marker), join(engine.dataRoot, marker)]
      .filter((p) => existsSync(p));

    it("refuses ../ in names", async () => {
      const r = await put("/dst", [{ name: `../../../../../../../../tmp/${marker}`, content: "x" }])();
      expect(r.status).toBe(400);
      expect((r.json() as { message: string }).message).toContain("path escapes the root");
      expect(escaped()).toEqual([]);
    });

    it("refuses a symlink followed by a file through it (link -> /, then link/tmp/…)", async () => {
      const r = await put("/dst", [
        { name: "link", type: "symlink", linkname: "/" },
        { name: `link/tmp/${marker}`, content: "x" },
      ])();
      expect(r.status).toBe(400);
      expect((r.json() as { message: string }).message).toContain("goes through a symlink");
      expect(escaped()).toEqual([]);
      expect((await docker("exec", id, "ls", "/tmp")).stdout).not.toContain(marker);
    });

    it("refuses writing through a symlink the container already has (up -> /)", async () => {
      const r = await put("/dst", [{ name: `up/tmp/${marker}`, content: "x" }])();
      expect(r.status).toBe(400);
      expect(escaped()).toEqual([]);
    });

    it("refuses a relative symlink climbing out and a hardlink to a file outside", async () => {
      const sym = await put("/dst", [{ name: "out", type: "symlink", linkname: "../../../../../../etc" }])();
      expect(sym.status).toBe(400);
      expect((sym.json() as { message: string }).message).toContain('invalid symlink "out" -> "../../../../../../etc"');
      const hard = await put("/dst", [{ name: "pw", type: "link", linkname: "../../../../../../etc/passwd" }])();
      expect(hard.status).toBe(400);
      expect((await docker("exec", id, "ls", "/dst")).stdout).not.toMatch(/^(out|pw)$/m);
      expect(escaped()).toEqual([]);
    });

    it("resolves a destination symlink inside the container, not on the host", async () => {
      // /hostile -> /../../../../tmp is the container's /tmp, whatever the host has there
      const r = await put("/hostile", [{ name: marker, content: "inside\n" }])();
      expect(r.status).toBe(200);
      expect(escaped()).toEqual([]);
      expect((await docker("exec", id, "cat", `/tmp/${marker}`)).stdout).toBe("inside\n");
    });

    it("keeps absolute names and symlinks inside: /etc/x lands below the destination, a symlink is never followed", async () => {
      const r = await put("/dst", [
        { name: "/abs/file", content: "abs\n" },
        { name: "etc-link", type: "symlink", linkname: "/etc" },
      ])();
      expect(r.status).toBe(200);
      expect((await docker("exec", id, "cat", "/dst/abs/file")).stdout).toBe("abs\n");
      expect((await docker("exec", id, "readlink", "/dst/etc-link")).stdout).toBe("/etc\n");
    });

    it("does not read host files through symlinks when copying out", async () => {
      const r = await engine.request("GET", `/containers/${id}/archive?path=${encodeURIComponent("/hostile/.")}`);
      expect(r.status).toBe(200);
      const names = [...(await tarContents(r.body)).keys()];
      // the container's /tmp (the marker written above), never the host's
      expect(names.sort()).toEqual(["./", `./${marker}`]);
      const link = await tarContents((await engine.request("GET", `/containers/${id}/archive?path=/dst/up`)).body);
      expect([...link.entries()]).toEqual([["up", "-> /"]]);
    });

    it("refuses an archive that is not a tar", async () => {
      const r = await engine.request("PUT", `/containers/${id}/archive?path=/dst`, { body: Buffer.from("not a tar at all") });
      expect(r.status).toBe(400);
    });
  });
});
