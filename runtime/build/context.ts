/**
 * The build context: the tar (plain or gzip) a client sends with `POST /build`, unpacked into the build's scratch
 * directory with the same safe unpacker as image layers (snapshot/layer-apply.ts: no entry leaves the directory,
 * nothing is written through a symlink, device nodes are skipped), so a hostile context can do no harm. Its
 * `.dockerignore` is applied when files are read (sources.ts), as the CLI has usually applied it already.
 */
import { readFile } from "node:fs/promises";
import { mkdir } from "node:fs/promises";
import { join } from "node:path";
import { EngineError, invalidArgument, notFound } from "../errors.js";
import { resolveInRoot } from "../containers/in-root.js";
import { applyLayer } from "../snapshot/layer-apply.js";
import { parseDockerignore, type IgnoreRule } from "./dockerignore.js";

export interface BuildContext {
  root: string;
  ignore: IgnoreRule[];
  dockerfile: string;
  dockerfileName: string;
}

/** Unpacks `tar` into `<scratch>/context` and reads the Dockerfile (`dockerfileName`, relative to the context). */
export async function receiveContext(tar: AsyncIterable<Uint8Array>, scratch: string, dockerfileName: string): Promise<BuildContext> {
  const root = join(scratch, "context");
  await mkdir(root, { recursive: true, mode: 0o755 });
  try {
    await applyLayer(tar, root, { label: "build context" });
  } catch (err) {
    if (err instanceof EngineError) throw new EngineError(err.kind === "Internal" ? "Internal" : "InvalidArgument", err.message);
    throw invalidArgument(`reading the build context: ${(err as Error).message}`);
  }
  const ignore = parseDockerignore(await readFile(join(root, ".dockerignore"), "utf8").catch(() => ""));
  const name = dockerfileName || "Dockerfile";
  if (name.split("/").includes("..")) throw invalidArgument(`the Dockerfile (${name}) must be within the build context`);
  let dockerfile: string;
  try {
    dockerfile = await readFile(resolveInRoot(root, name), "utf8");
  } catch {
    // `docker build -f dockerfile` on case-insensitive names, like Docker: try the lower-case name too
    dockerfile = await readFile(resolveInRoot(root, name.toLowerCase()), "utf8").catch(() => {
      throw notFound(`Cannot locate specified Dockerfile: ${name}`);
    });
  }
  return { root, ignore, dockerfile, dockerfileName: name };
}
