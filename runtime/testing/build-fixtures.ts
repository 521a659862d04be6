/**
 * Build contexts for the builder's tests: the real upstream ones read in place from $HAKO_FIXTURES/images
 * (alpine-3.20: the official Dockerfile + minirootfs tarball; hello-world: its Dockerfile + static `hello`), or,
 * where those are absent, equivalents made here and said so: an "alpine-like" minirootfs tarball from Debian's
 * busybox-static with /etc/alpine-release = 3.20.3, and a `hello` compiled statically with the system's cc that
 * prints the same greeting. Made ones are cached under $TMPDIR/hako-fixtures/.
 */
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { copyFile, mkdir, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { cacheDir, fixturesRoot } from "./fixtures.js";

export interface ContextFixture {
  dir: string;
  source: "shared" | "built";
}

function run(cmd: string, args: string[]): void {
  const r = spawnSync(cmd, args, { encoding: "utf8" });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(" ")} failed: ${r.stderr}`);
}

export async function alpineContext(): Promise<ContextFixture> {
  const shared = join(fixturesRoot(), "images", "alpine-3.20");
  if (existsSync(join(shared, "Dockerfile"))) return { dir: shared, source: "shared" };
  const dir = join(cacheDir(), "alpine-like-3.20-v1");
  if (!existsSync(join(dir, "Dockerfile"))) {
    const tmp = await mkdtemp(join(tmpdir(), "alpine-like-"));
    const root = join(tmp, "rootfs");
    await mkdir(join(root, "bin"), { recursive: true });
    await mkdir(join(root, "etc"), { recursive: true });
    for (const d of ["proc", "sys", "dev", "tmp", "root"]) await mkdir(join(root, d));
    await copyFile("/bin/busybox", join(root, "bin", "busybox"));
    run(join(root, "bin", "busybox"), ["--install", "-s", join(root, "bin")]);
    run("sh", ["-c", `cd ${root}/bin && for l in *; do [ -L "$l" ] && ln -sf busybox "$l"; done; true`]);
    await writeFile(join(root, "etc", "alpine-release"), "3.20.3\n");
    await writeFile(join(root, "etc", "passwd"), "root:x:0:0:root:/root:/bin/sh\n");
    await writeFile(join(tmp, "Dockerfile"), "FROM scratch\nADD alpine-minirootfs-3.20.3-x86_64.tar.gz /\nCMD [\"/bin/sh\"]\n");
    run("tar", ["-C", root, "--numeric-owner", "--owner=0", "--group=0", "-czf", join(tmp, "alpine-minirootfs-3.20.3-x86_64.tar.gz"), "."]);
    await rm(root, { recursive: true });
    await mkdir(cacheDir(), { recursive: true });
    await rm(dir, { recursive: true, force: true });
    run("mv", [tmp, dir]);
  }
  console.info(`[fixtures] alpine context: ${dir} (alpine-like, built from Debian busybox-static)`);
  return { dir, source: "built" };
}

export async function helloWorldContext(): Promise<ContextFixture> {
  const shared = join(fixturesRoot(), "images", "hello-world");
  if (existsSync(join(shared, "hello"))) return { dir: shared, source: "shared" };
  const dir = join(cacheDir(), "hello-world-like-v1");
  if (!existsSync(join(dir, "hello"))) {
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, "hello.c"), '#include <unistd.h>\nint main(void){static const char m[]="\\nHello from Docker!\\n' +
      'This message shows that your installation appears to be working correctly.\\n";write(1,m,sizeof m-1);return 0;}\n');
    run("cc", ["-static", "-Os", "-o", join(dir, "hello"), join(dir, "hello.c")]);
    await rm(join(dir, "hello.c"));
    await writeFile(join(dir, "Dockerfile"), "FROM scratch\nCOPY hello /\nCMD [\"/hello\"]\n");
  }
  console.info(`[fixtures] hello-world context: ${dir} (built here with cc -static)`);
  return { dir, source: "built" };
}

/** A build context directory under /tmp holding `files` (name → content); the caller removes it. */
export async function contextOf(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp("/tmp/hako-ctx-");
  for (const [name, content] of Object.entries(files)) {
    await mkdir(dirname(join(dir, name)), { recursive: true });
    await writeFile(join(dir, name), content);
  }
  return dir;
}
