/**
 * Sources of a COPY/ADD: the paths a step names, matched in a source tree (the build context, or the root
 * filesystem of a stage or image for `--from`), never outside it.
 *
 * A source is cleaned as a path relative to the tree (`/a`, `./a` and `a` are the same); one that climbs out
 * (`../x`) is refused. Patterns use Go's filepath.Match per path element (`*`, `?`, `[…]`); a pattern that matches
 * nothing is an error, as is a plain path that does not exist. Files the `.dockerignore` rules exclude do not exist
 * for the builder. The **content digest** of the sources (names, types, modes, link targets and the bytes of
 * regular files, in name order) is part of the step's cache key; modification times are not.
 */
import { createHash } from "node:crypto";
import { lstatSync, readdirSync, readFileSync, readlinkSync, type Stats } from "node:fs";
import { join } from "node:path";
import { invalidArgument, notFound } from "../errors.js";
import { resolveInRoot } from "../containers/in-root.js";
import { isIgnored, mayReinclude, type IgnoreRule } from "./dockerignore.js";

export interface SourceTree {
  /** host directory of the tree's root */
  root: string;
  /** .dockerignore rules (the build context only) */
  ignore: IgnoreRule[];
  /** how to name the tree in errors */
  label: string;
}

export interface MatchedSource {
  /** path relative to the tree root ("" for the root itself) */
  rel: string;
  /** host path (symlinks in the path followed inside the tree) */
  host: string;
  stat: Stats;
}

/** Cleans `src` relative to the tree; refuses paths that climb out of it. */
export function cleanSource(src: string): string {
  const parts: string[] = [];
  for (const p of src.split("/")) {
    if (p === "" || p === ".") continue;
    if (p === "..") {
      if (parts.length === 0) throw invalidArgument(`forbidden path outside the build context: ${src}`);
      parts.pop();
    } else {
      parts.push(p);
    }
  }
  return parts.join("/");
}

export function hasGlob(s: string): boolean {
  return /[*?[]/.test(s);
}

export function matchSources(tree: SourceTree, src: string): MatchedSource[] {
  const clean = cleanSource(src);
  if (!hasGlob(clean)) {
    const host = resolveInRoot(tree.root, clean);
    const stat = lstatOrNull(host);
    if (!stat || (clean !== "" && isIgnored(tree.ignore, clean))) {
      throw notFound(`COPY failed: file not found in ${tree.label}: stat ${clean || "."}: file does not exist`);
    }
    return [{ rel: clean, host, stat }];
  }
  const out: MatchedSource[] = [];
  const walk = (relDir: string, parts: string[]): void => {
    const [head, ...rest] = parts;
    if (head === undefined) return;
    const dirHost = resolveInRoot(tree.root, relDir);
    let names: string[];
    try {
      names = readdirSync(dirHost).sort();
    } catch {
      return;
    }
    const re = elementRegex(head);
    for (const name of names) {
      if (!re.test(name)) continue;
      const rel = relDir ? `${relDir}/${name}` : name;
      if (isIgnored(tree.ignore, rel)) continue;
      if (rest.length === 0) {
        const host = join(dirHost, name);
        out.push({ rel, host, stat: lstatSync(host) });
      } else {
        walk(rel, rest);
      }
    }
  };
  walk("", clean.split("/"));
  if (out.length === 0) throw notFound(`COPY failed: no source files were specified (no file in ${tree.label} matches ${src})`);
  return out;
}

/** Go's filepath.Match for one path element. */
function elementRegex(pattern: string): RegExp {
  let re = "";
  for (let i = 0; i < pattern.length; i++) {
    const ch = pattern[i] as string;
    if (ch === "*") re += "[^/]*";
    else if (ch === "?") re += "[^/]";
    else if (ch === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) throw invalidArgument(`syntax error in pattern: ${pattern}`);
      re += `[${pattern.slice(i + 1, end).replace(/^\^|^!/, "^").replace(/\\/g, "\\\\")}]`;
      i = end;
    } else if (ch === "\\" && i + 1 < pattern.length) re += `\\${pattern[++i]}`;
    else re += ch.replace(/[.+^${}()|]/g, "\\$&");
  }
  return new RegExp(`^${re}$`);
}

/** Files below a matched directory that the copy will take, relative to it (ignored files left out). */
export function walkSource(tree: SourceTree, src: MatchedSource, visit: (rel: string, host: string, stat: Stats) => void): void {
  visit("", src.host, src.stat);
  if (!src.stat.isDirectory()) return;
  const recurse = (relInSrc: string, host: string): void => {
    for (const name of readdirSync(host).sort()) {
      const rel = relInSrc ? `${relInSrc}/${name}` : name;
      const treeRel = src.rel ? `${src.rel}/${rel}` : rel;
      const childHost = join(host, name);
      const stat = lstatSync(childHost);
      const ignored = isIgnored(tree.ignore, treeRel);
      if (ignored && !(stat.isDirectory() && mayReinclude(tree.ignore, treeRel))) continue;
      if (!ignored) visit(rel, childHost, stat);
      if (stat.isDirectory()) recurse(rel, childHost);
    }
  };
  recurse("", src.host);
}

/** The content digest of the sources: what the cache key needs to know about them. */
export function contentDigest(tree: SourceTree, sources: MatchedSource[]): string {
  const hash = createHash("sha256");
  for (const src of sources) {
    walkSource(tree, src, (rel, host, stat) => {
      hash.update(`${src.rel}\0${rel}\0${stat.mode}\0${stat.uid}:${stat.gid}\0`);
      if (stat.isSymbolicLink()) hash.update(readlinkSync(host));
      else if (stat.isFile()) hash.update(createHash("sha256").update(readFileSync(host)).digest());
      hash.update("\n");
    });
  }
  return `sha256:${hash.digest("hex")}`;
}

function lstatOrNull(path: string): Stats | null {
  try {
    return lstatSync(path);
  } catch {
    return null;
  }
}
