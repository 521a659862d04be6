/**
 * Opaque directories of an overlay upper directory: those carrying xattr `trusted.overlay.opaque=y` (their lower
 * contents are hidden). Node cannot read xattrs, so one getfattr(1) (package `attr`) lists them for the whole tree,
 * walking physically (symlinks are not followed).
 */
import { execFile } from "node:child_process";
import { relative } from "node:path";
import { internal } from "../errors.js";

/** Paths relative to `upperDir` ("" for the directory itself). */
export function opaqueDirs(upperDir: string): Promise<Set<string>> {
  return new Promise((resolve, reject) => {
    execFile("getfattr", ["-R", "-P", "--absolute-names", "-n", "trusted.overlay.opaque", upperDir],
      { maxBuffer: 256 * 1024 * 1024 }, (err, stdout, stderr) => {
        // getfattr exits 1 when some file lacks the attribute: only a missing binary is an error
        if (err && (err as NodeJS.ErrnoException).code === "ENOENT") {
          return reject(internal("getfattr (package attr) is needed to read overlay changes"));
        }
        void stderr;
        const out = new Set<string>();
        let file: string | null = null;
        for (const line of stdout.split("\n")) {
          if (line.startsWith("# file: ")) file = line.slice(8);
          else if (file !== null && /^trusted\.overlay\.opaque="y"$/.test(line)) out.add(relative(upperDir, unescape(file)));
        }
        resolve(out);
      });
  });
}

/** getfattr escapes unusual bytes in names as \ooo octal. */
function unescape(name: string): string {
  return name.replace(/\\([0-7]{3})/g, (_, o: string) => String.fromCharCode(parseInt(o, 8)));
}
