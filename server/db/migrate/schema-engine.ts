/**
 * The Prisma schema engine, offline.
 *
 * Why this file exists: `prisma migrate` runs a native schema-engine binary that the CLI downloads on first use, and this
 * machine (like many production hosts) cannot download it. Prisma also publishes the same engine compiled to WebAssembly
 * (`@prisma/schema-engine-wasm`, pinned to the exact engine hash of our `prisma` version). The wasm build has no network
 * or database drivers of its own: it talks to the database through a Prisma *driver adapter* (better-sqlite3 or pg, the
 * same ones the client uses), so it runs anywhere Node runs. It writes `_prisma_migrations` with the same checksums as
 * the CLI, so a database migrated here stays compatible with `prisma migrate deploy` wherever the binary can be had.
 *
 * The package's entry point does `import * as wasm from "./schema_engine_bg.wasm"` (an ES module import of wasm, which
 * Node 20 refuses without a flag), so we do its three lines by hand: compile the .wasm, link it to the generated JS glue,
 * run its start function. The glue keeps the instance in a module variable, so this happens once per process.
 * One import is adjusted on the way: the engine arms 60-second timers (deadlines it never clears) that would keep a
 * finished command-line process alive for a minute, so its timers are unref'd.
 */
import { existsSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import path from "node:path";
import { bindMigrationAwareSqlAdapterFactory, type SqlMigrationAwareDriverAdapterFactory } from "@prisma/driver-adapter-utils";
import type { SchemaEngine } from "@prisma/schema-engine-wasm";

type Glue = typeof import("@prisma/schema-engine-wasm") & { __wbg_set_wasm(exports: WebAssembly.Exports): void };

let glue: Promise<Glue> | undefined;

async function loadGlue(): Promise<Glue> {
  // Rust panics inside the wasm report their message through this global (the Prisma CLI installs the same object).
  const g = globalThis as { PRISMA_WASM_PANIC_REGISTRY?: { message: string; get(): string; set_message(m: string): void } };
  g.PRISMA_WASM_PANIC_REGISTRY ??= {
    message: "",
    get() { return this.message; },
    set_message(m: string) { this.message = `RuntimeError: ${m}`; },
  };
  const bg = (await import("@prisma/schema-engine-wasm/schema_engine_bg")) as unknown as Glue;
  const bytes = await readFile(wasmPath());
  const { instance } = await WebAssembly.instantiate(bytes, { "./schema_engine_bg.js": unrefTimers(bg) });
  bg.__wbg_set_wasm(instance.exports);
  (instance.exports.__wbindgen_start as () => void)();
  return bg;
}

/**
 * The package's exports map hides the .wasm: resolve the glue module it does export and take its sibling. Inside a
 * bundle (Next.js) resolution can point elsewhere; then fall back to node_modules under the working directory.
 */
function wasmPath(): string {
  const file = "schema_engine_bg.wasm";
  try {
    const found = path.join(path.dirname(createRequire(import.meta.url).resolve("@prisma/schema-engine-wasm/schema_engine_bg")), file);
    if (existsSync(found)) return found;
  } catch {
    // fall through
  }
  return path.resolve("node_modules/@prisma/schema-engine-wasm", file);
}

function unrefTimers(bg: Glue): WebAssembly.ModuleImports {
  const imports: WebAssembly.ModuleImports = { ...(bg as unknown as WebAssembly.ModuleImports) };
  for (const name of Object.keys(imports).filter((key) => key.startsWith("__wbg_setTimeout_"))) {
    const setTimer = imports[name] as (callback: unknown, ms: number) => unknown;
    imports[name] = (callback: unknown, ms: number) => {
      const timer = setTimer(callback, ms);
      (timer as NodeJS.Timeout | undefined)?.unref?.();
      return timer;
    };
  }
  return imports;
}

export interface SchemaEngineOptions {
  /** The Prisma schema the engine treats as "the datamodel": path (for messages) and text. */
  schema: { path: string; content: string };
  /** The database, and for the create flow a shadow database, reached through a driver adapter. */
  adapterFactory: SqlMigrationAwareDriverAdapterFactory;
  /** Receives the engine's JSON log lines; silent by default. */
  log?: (line: string) => void;
}

/** Starts one engine over one database. Call `free()` on it when done; the adapter factory is the caller's to close. */
export async function startSchemaEngine(options: SchemaEngineOptions): Promise<SchemaEngine> {
  glue ??= loadGlue();
  const { SchemaEngine } = await glue;
  return SchemaEngine.new(
    { datamodels: [[options.schema.path, options.schema.content]] },
    (line: string) => options.log?.(line),
    bindMigrationAwareSqlAdapterFactory(options.adapterFactory),
  );
}
