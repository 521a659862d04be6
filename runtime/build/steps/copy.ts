/**
 * COPY and ADD: files from the build context (or, with `--from`, from a built stage or an image) into the image as
 * one layer. Sources and destination are substituted; a relative destination is relative to WORKDIR. `--chown`
 * (`user[:group]`, names resolved in the image's /etc/passwd and /etc/group; no group means gid = uid) and `--chmod`
 * (octal) apply to everything copied. ADD also unpacks a local tar archive (plain or gzip) into the destination,
 * keeping the archive's owners; remote URLs are refused (this engine works offline). A source named `<<EOF` is the
 * heredoc of that name. The content of the sources, not their mtimes, is in the step's cache key.
 */
import { closeSync, createReadStream, lstatSync, openSync, readSync } from "node:fs";
import { mkdir, readFile, writeFile } from "node:fs/promises";
import { join, posix } from "node:path";
import { invalidArgument, isKind } from "../../errors.js";
import { parseGroup, parsePasswd } from "../../containers/user.js";
import { resolveInRoot } from "../../containers/in-root.js";
import { applyLayer } from "../../snapshot/layer-apply.js";
import type { Instruction } from "../dockerfile/instructions.js";
import { substituteWord, substituteWords } from "../dockerfile/substitute.js";
import { copyInto, type CopyOwner } from "../copy-files.js";
import { contentDigest, matchSources, type MatchedSource, type SourceTree } from "../sources.js";
import type { StageRun } from "../stage-run.js";
import { stageNamed } from "../stages.js";
import { stateId } from "../state.js";
import { StepRootfs } from "../step-rootfs.js";
import { layerStep } from "./layer.js";

const URL_SOURCE = /^(https?:\/\/|git@|git:\/\/)/i;
const HEREDOC_SOURCE = /^<<-?(["']?)([A-Za-z_][A-Za-z0-9_]*)\1$/;

export async function copyStep(run: StageRun, ins: Instruction): Promise<void> {
  const { b, deps } = run;
  const add = ins.keyword === "ADD";
  const vars = run.vars();
  const words = ins.json ? ins.json.map((w) => substituteWord(w, vars, b.escape)) : substituteWords(ins.args, vars, b.escape);
  if (words.length < 2) throw invalidArgument(`Dockerfile:${ins.line}: ${ins.keyword} requires at least two arguments, but only one was provided. Destination could not be determined.`);
  const dest = words.at(-1) as string;
  const srcs = words.slice(0, -1);
  const workdir = run.state.config.config.WorkingDir || "/";
  // "dir/", "." and "dir/." name a directory: the sources go inside it
  const dirDest = dest.endsWith("/") || dest === "." || dest.endsWith("/.");
  const destAbs = posix.resolve(workdir, dest) + (dirDest && posix.resolve(workdir, dest) !== "/" ? "/" : "");
  const from = ins.flags.get("from") ? substituteWord(ins.flags.get("from") as string, vars, b.escape) : undefined;
  if (add && from) throw invalidArgument(`Dockerfile:${ins.line}: ADD does not support --from`);

  let tree: SourceTree = { root: b.context.root, ignore: b.context.ignore, label: "build context" };
  let sourceRootfs: StepRootfs | undefined;
  let fromId = "";
  try {
    if (from) {
      const stage = stageNamed(b.stages, from);
      let state = stage ? b.stageStates.get(stage.index) : undefined;
      if (stage && !state) throw invalidArgument(`Dockerfile:${ins.line}: COPY --from=${from}: stage ${from} has not been built`);
      if (!state) {
        const image = await deps.images.resolve(from).catch((err: unknown) => {
          if (isKind(err, "NotFound") || isKind(err, "InvalidArgument")) {
            throw invalidArgument(`Dockerfile:${ins.line}: COPY --from=${from}: no build stage and no image named "${from}"`);
          }
          throw err;
        });
        state = { config: { ...run.state.config }, layers: image.layers };
        fromId = image.id;
      } else {
        fromId = stateId(state);
      }
      sourceRootfs = await StepRootfs.mount(deps.layout, deps.images, state);
      tree = { root: sourceRootfs.root, ignore: [], label: `stage ${from}` };
    }
    const matched: MatchedSource[] = [];
    for (const src of srcs) {
      const heredoc = HEREDOC_SOURCE.exec(src);
      if (heredoc) {
        matched.push(await heredocSource(run, ins, heredoc[2] as string));
      } else if (URL_SOURCE.test(src)) {
        throw invalidArgument(add
          ? `Dockerfile:${ins.line}: ADD ${src}: cannot download from a URL: this engine works offline (no network access); put the file in the build context instead`
          : `Dockerfile:${ins.line}: COPY ${src}: source can't be a URL for COPY`);
      } else {
        matched.push(...matchSources(tree, src));
      }
    }
    const content = `${fromId}:${contentDigest(tree, matched)}`;
    const chown = ins.flags.get("chown") ? substituteWord(ins.flags.get("chown") as string, vars, b.escape) : undefined;
    const chmodFlag = ins.flags.get("chmod");
    if (chmodFlag !== undefined && !/^[0-7]{3,4}$/.test(chmodFlag)) throw invalidArgument(`Dockerfile:${ins.line}: invalid --chmod=${chmodFlag}: an octal mode is required`);
    const mode = chmodFlag !== undefined ? parseInt(chmodFlag, 8) : undefined;
    const flags = [chown ? `--chown=${chown}` : "", chmodFlag ? `--chmod=${chmodFlag}` : "", from ? `--from=${from}` : ""].filter(Boolean);
    const createdBy = `/bin/sh -c #(nop) ${ins.keyword} ${flags.join(" ")}${flags.length ? " " : ""}${content.slice(-71)} in ${destAbs} `;
    await run.step(createdBy, [], content, (state) =>
      layerStep(run, state, createdBy, async (rootfs) => {
        const owner = chown ? await resolveOwner(rootfs.root, chown, ins.line) : undefined;
        const plain: MatchedSource[] = [];
        for (const m of matched) {
          if (add && m.stat.isFile() && isLocalArchive(m.host)) {
            const dir = await unpackArchive(run, m);
            copyInto(rootfs.root, { root: dir, ignore: [], label: m.rel }, [{ rel: "", host: dir, stat: lstatSync(dir) }],
              destAbs.endsWith("/") ? destAbs : `${destAbs}/`, { owner, mode, keepOwner: !owner });
          } else {
            plain.push(m);
          }
        }
        if (plain.length > 0) copyInto(rootfs.root, tree, plain, destAbs, { owner, mode });
      }));
  } finally {
    await sourceRootfs?.dispose();
  }
}

async function heredocSource(run: StageRun, ins: Instruction, name: string): Promise<MatchedSource> {
  const doc = ins.heredocs.find((h) => h.name === name);
  if (!doc) throw invalidArgument(`Dockerfile:${ins.line}: no heredoc named ${name}`);
  const dir = join(run.b.scratch, `heredoc-${ins.line}`);
  await mkdir(dir, { recursive: true });
  const host = join(dir, name);
  await writeFile(host, doc.body, { mode: 0o644 });
  return { rel: name, host, stat: lstatSync(host) };
}

/** A tar archive ADD unpacks: gzip, or a plain tar ("ustar" at offset 257). */
function isLocalArchive(path: string): boolean {
  const head = Buffer.alloc(262);
  const fd = openSync(path, "r");
  try {
    readSync(fd, head, 0, 262, 0);
  } finally {
    closeSync(fd);
  }
  return (head[0] === 0x1f && head[1] === 0x8b) || head.subarray(257, 262).toString("latin1") === "ustar";
}

let unpacked = 0;
async function unpackArchive(run: StageRun, src: MatchedSource): Promise<string> {
  const dir = join(run.b.scratch, `add-${++unpacked}`);
  await mkdir(dir, { recursive: true, mode: 0o755 });
  await applyLayer(createReadStream(src.host), dir, { label: `ADD ${src.rel}` });
  return dir;
}

/** `user[:group]` as uid/gid, names looked up in the image. */
async function resolveOwner(root: string, spec: string, line: number): Promise<CopyOwner> {
  const [user, group] = spec.split(":", 2) as [string, string | undefined];
  const read = (p: string): Promise<string> => readFile(resolveInRoot(root, p), "utf8").catch(() => "");
  const lookup = async (name: string, file: string, kind: string): Promise<number> => {
    if (/^\d+$/.test(name)) return Number(name);
    const entries = file === "/etc/passwd" ? parsePasswd(await read(file)) : parseGroup(await read(file));
    const found = entries.find((e) => e.name === name);
    if (!found) throw invalidArgument(`Dockerfile:${line}: unable to convert ${kind} "${name}" to an ID: no such ${kind} in ${file}`);
    return "uid" in found ? found.uid : found.gid;
  };
  const uid = await lookup(user, "/etc/passwd", "user");
  const gid = group !== undefined ? await lookup(group, "/etc/group", "group") : uid;
  return { uid, gid };
}
