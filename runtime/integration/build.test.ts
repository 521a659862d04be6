/**
 * `docker build` with the stock docker CLI (classic POST /build) against a real hakod: real RUN containers under
 * hako-shim, overlay snapshots, layers committed to the image store. As root.
 */
import { rm, utimes, writeFile } from "node:fs/promises";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { alpineContext, contextOf, helloWorldContext } from "../testing/build-fixtures.js";
import { isRoot, startEngine, type EngineHandle } from "./engine-harness.js";

describe.skipIf(!isRoot)("docker build through the docker CLI", () => {
  let engine: EngineHandle;
  let B: string;
  const dirs: string[] = [];
  const build = async (args: string[], files?: Record<string, string>, dir?: string) => {
    const ctx = dir ?? (await contextOf(files ?? {}));
    if (!dir) dirs.push(ctx);
    return { ...(await engine.docker(["build", ...args, ctx], { timeoutMs: 120_000 })), ctx };
  };

  beforeAll(async () => {
    engine = await startEngine();
    B = await engine.loadBusybox();
  });
  afterAll(async () => {
    await engine?.cleanup();
    for (const d of dirs) await rm(d, { recursive: true, force: true });
  });

  it("builds the official Alpine image (ADD of the minirootfs tarball) and runs it", async () => {
    const alpine = await alpineContext();
    const r = await build(["-t", "alpine:3.20"], undefined, alpine.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/Step 2\/3 : ADD alpine-minirootfs-3\.20\.3-x86_64\.tar\.gz \//);
    expect(r.stdout).toMatch(/Successfully tagged alpine:3\.20/);
    const run = await engine.docker(["run", "--rm", "alpine:3.20", "cat", "/etc/alpine-release"]);
    expect(run).toMatchObject({ code: 0, stdout: "3.20.3\n" });
    const mode = await engine.docker(["run", "--rm", "alpine:3.20", "stat", "-c", "%a %u", "/", "/bin"]);
    expect(mode.stdout).toBe("755 0\n755 0\n");
  });

  it("builds hello-world, whose container greets", async () => {
    const hello = await helloWorldContext();
    const r = await build(["-q", "-t", "hello-world"], undefined, hello.dir);
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).toMatch(/^sha256:[0-9a-f]{64}\n$/);
    const run = await engine.docker(["run", "--rm", "hello-world"]);
    expect(run.stdout).toContain("Hello from Docker!");
  });

  it("copies an artefact between stages and builds only the stages the target needs", async () => {
    const r = await build(["-t", "multi"], {
      Dockerfile: [
        `FROM ${B} AS builder`,
        "WORKDIR /src",
        "RUN echo artefact-42 > out.txt",
        `FROM ${B} AS broken`,
        "RUN false",
        `FROM ${B}`,
        "COPY --from=builder /src/out.txt /opt/",
        'CMD ["cat", "/opt/out.txt"]',
      ].join("\n"),
    });
    expect(r.code, r.stderr).toBe(0);
    expect(r.stdout).not.toContain("RUN false");
    expect((await engine.docker(["run", "--rm", "multi"])).stdout).toBe("artefact-42\n");
    const t = await build(["-t", "multi-builder", "--target", "builder"], {
      Dockerfile: `FROM ${B} AS builder\nRUN touch /built\nFROM ${B}\nRUN false\n`,
    });
    expect(t.code, t.stderr).toBe(0);
    expect((await engine.docker(["run", "--rm", "multi-builder", "ls", "/built"])).stdout).toBe("/built\n");
  });

  it("makes USER, WORKDIR, ENV, build args and labels visible in the image and its container", async () => {
    const ctx = await contextOf({
      "build.Dockerfile": [
        `FROM ${B}`,
        "ARG FLAVOUR=plain",
        "ENV GREETING=\"hello ${FLAVOUR}\" EMPTY=",
        "WORKDIR /srv",
        "WORKDIR app",
        "RUN echo \"$FLAVOUR\" > flavour && chown 1000 flavour",
        "USER 1000:1000",
        "EXPOSE 8080/tcp 53/udp",
        'LABEL org.example.name="a b"',
        "STOPSIGNAL SIGINT",
      ].join("\n"),
    });
    dirs.push(ctx);
    const r = await build(["-t", "meta", "-f", join(ctx, "build.Dockerfile"), "--build-arg", "FLAVOUR=mint", "--label", "team=core"],
      undefined, ctx);
    expect(r.code, r.stderr).toBe(0);
    const run = await engine.docker(["run", "--rm", "meta", "sh", "-c", "id -u; id -g; pwd; echo $GREETING; cat flavour"]);
    expect(run.stdout).toBe("1000\n1000\n/srv/app\nhello mint\nmint\n");
    const inspect = await engine.docker(["inspect", "-f", "{{.Config.User}}|{{.Config.WorkingDir}}|{{json .Config.Labels}}|{{.Config.StopSignal}}", "meta"]);
    expect(inspect.stdout.trim()).toBe('1000:1000|/srv/app|{"org.example.name":"a b","team":"core"}|SIGINT');
    const history = await engine.docker(["history", "--no-trunc", "--format", "{{.CreatedBy}}", "meta"]);
    expect(history.stdout).toContain("|1 FLAVOUR=mint /bin/sh -c echo \"$FLAVOUR\" > flavour && chown 1000 flavour");
  });

  it("runs RUN and COPY heredocs and honours .dockerignore", async () => {
    const r = await build(["-t", "heredocs"], {
      Dockerfile: `FROM ${B}\nRUN <<EOF\necho one > /one\necho two >> /one\nEOF\nCOPY <<EOF /etc/motd\nwelcome\nEOF\nCOPY . /ctx/\n`,
      ".dockerignore": "*.secret\nlogs\n!logs/keep.log\n",
      "a.secret": "no", "logs/drop.log": "no", "logs/keep.log": "yes", "src/main.txt": "main",
    });
    expect(r.code, r.stderr).toBe(0);
    const run = await engine.docker(["run", "--rm", "heredocs", "sh", "-c", "cat /one /etc/motd; cd /ctx && find . -type f | sort"]);
    expect(run.stdout).toBe("one\ntwo\nwelcome\n./.dockerignore\n./Dockerfile\n./logs/keep.log\n./src/main.txt\n");
  });

  it("caches steps by content: a rebuild is all cache, a changed file rebuilds from its COPY, --no-cache rebuilds all", async () => {
    const ctx = await contextOf({
      Dockerfile: `FROM ${B}\nRUN echo first > /first\nCOPY data.txt /data.txt\nRUN cat /data.txt > /copy\n`,
      "data.txt": "v1\n",
    });
    dirs.push(ctx);
    const first = await build(["-t", "cached"], undefined, ctx);
    expect(first.code, first.stderr).toBe(0);
    expect(first.stdout).not.toContain("Using cache");
    const again = await build(["-t", "cached"], undefined, ctx);
    expect(again.stdout.match(/Using cache/g)?.length).toBe(3);
    expect(again.stdout.match(/Successfully built (\w+)/)?.[1]).toBe(first.stdout.match(/Successfully built (\w+)/)?.[1]);
    await utimes(join(ctx, "data.txt"), new Date(), new Date(Date.now() + 60_000));
    const touched = await build(["-t", "cached"], undefined, ctx);
    expect(touched.stdout.match(/Using cache/g)?.length).toBe(3);
    await writeFile(join(ctx, "data.txt"), "v2\n");
    const changed = await build(["-t", "cached"], undefined, ctx);
    expect(changed.stdout.match(/Using cache/g)?.length).toBe(1);
    expect((await engine.docker(["run", "--rm", "cached", "cat", "/copy"])).stdout).toBe("v2\n");
    const nocache = await build(["--no-cache", "-t", "cached"], undefined, ctx);
    expect(nocache.code).toBe(0);
    expect(nocache.stdout).not.toContain("Using cache");
    // the index is on disk: a restarted engine still hits
    await engine.stop();
    await engine.restart();
    expect((await build(["-t", "cached"], undefined, ctx)).stdout.match(/Using cache/g)?.length).toBe(3);
  });

  it("runs ONBUILD triggers in the child build, applies --chown/--chmod, and limits hits to --cache-from images", async () => {
    const ctx = await contextOf({
      "base.Dockerfile": `FROM ${B}\nONBUILD RUN echo triggered > /trig\nONBUILD COPY f.txt /onb/\n`,
      Dockerfile: "FROM onb-base\nCOPY --chown=nobody --chmod=600 f.txt /owned\nADD --chown=1:2 f.txt /added\n",
      "f.txt": "x\n",
    });
    dirs.push(ctx);
    expect((await build(["-t", "onb-base", "-f", join(ctx, "base.Dockerfile")], undefined, ctx)).code).toBe(0);
    const child = await build(["-t", "onb-child", "--network", "host"], undefined, ctx);
    expect(child.code, child.stderr).toBe(0);
    expect(child.stdout).toContain("# Executing 2 build triggers");
    const run = await engine.docker(["run", "--rm", "onb-child", "sh", "-c", "cat /trig /onb/f.txt; stat -c '%u:%g %a' /owned /added"]);
    expect(run.stdout).toBe("triggered\nx\n65534:65534 600\n1:2 644\n");
    const from = await build(["--cache-from", "onb-child"], undefined, ctx);
    expect(from.stdout.match(/Using cache/g)?.length).toBe(4);
    const other = await build(["--cache-from", B], undefined, ctx);
    expect(other.stdout).not.toContain("Using cache");
  });

  it("gives the same image ID twice with SOURCE_DATE_EPOCH", async () => {
    const files = { Dockerfile: `FROM ${B}\nARG SOURCE_DATE_EPOCH\nRUN echo built > /b && touch /b\nCOPY f /f\nENV A=1\n`, f: "x" };
    const ids: string[] = [];
    for (let i = 0; i < 2; i++) {
      const r = await build(["--no-cache", "-q", "--build-arg", "SOURCE_DATE_EPOCH=1700000000"], files);
      expect(r.code, r.stderr).toBe(0);
      ids.push(r.stdout.trim());
    }
    expect(ids[0]).toMatch(/^sha256:/);
    expect(ids[1]).toBe(ids[0]);
    const created = await engine.docker(["inspect", "-f", "{{.Created}}", ids[0] as string]);
    expect(created.stdout.trim()).toBe("2023-11-14T22:13:20Z");
  });
});
