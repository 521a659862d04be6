/**
 * Resolving a path inside a container's root filesystem the way the container would see it: symbolic links are
 * followed with the rootfs as "/", so a hostile image cannot point hakod at a host file (`/etc/passwd -> /../../etc`).
 */
import { lstatSync, readlinkSync } from "node:fs";
import { join } from "node:path";

const MAX_LINKS = 255;

/** Returns the host path of `path` inside `root` (which need not exist: missing parts are joined lexically). */
export function resolveInRoot(root: string, path: string): string {
  let todo = path.split("/").filter((p) => p !== "" && p !== ".");
  const done: string[] = [];
  let links = 0;
  while (todo.length > 0) {
    const part = todo.shift() as string;
    if (part === "..") {
      done.pop();
      continue;
    }
    const candidate = join(root, ...done, part);
    let isLink = false;
    try {
      isLink = lstatSync(candidate).isSymbolicLink();
    } catch {
      // missing: the rest is joined as it is
    }
    if (!isLink) {
      done.push(part);
      continue;
    }
    if (++links > MAX_LINKS) throw new Error(`too many levels of symbolic links: ${path}`);
    const target = readlinkSync(candidate);
    const targetParts = target.split("/").filter((p) => p !== "" && p !== ".");
    if (target.startsWith("/")) done.length = 0;
    todo = [...targetParts, ...todo];
  }
  return join(root, ...done);
}
