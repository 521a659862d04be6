import { mkdirSync } from "node:fs";
import path from "node:path";

export const DEFAULT_CONSOLE_DATA_DIR = "/var/lib/hako/console";

/**
 * The console's private data directory (the SQLite file, the key that encrypts stored secrets): `HAKO_CONSOLE_DATA`,
 * default `/var/lib/hako/console`. Created 0700 on first use because what it holds is secret; parents get the default
 * mode (the parent is usually hakod's data root), and an existing directory's mode is left as the operator set it.
 */
export function consoleDataDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  const dir = path.resolve(/*turbopackIgnore: true*/ env.HAKO_CONSOLE_DATA || DEFAULT_CONSOLE_DATA_DIR);
  mkdirSync(path.dirname(dir), { recursive: true });
  try {
    mkdirSync(dir, { mode: 0o700 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  }
  return dir;
}
