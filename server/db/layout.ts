/**
 * Where the schema and the migrations of each provider live (Prisma's standard layout, one migrations folder per
 * provider because the SQL and the lock file differ):
 *
 *   prisma/schema.prisma                     SQLite (the default)      prisma/migrations/
 *   prisma/postgresql/schema.prisma          PostgreSQL                prisma/postgresql/migrations/
 *
 * The prisma/ directory is found from this file's location in the checkout, else from the working directory (a
 * bundled server moves this file); HAKO_PRISMA_DIR overrides both.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { Provider } from "./database-url";

export interface ProviderLayout {
  provider: Provider;
  schemaPath: string;
  migrationsDir: string;
}

export function prismaDir(env: Readonly<Record<string, string | undefined>> = process.env): string {
  if (env.HAKO_PRISMA_DIR) return path.resolve(env.HAKO_PRISMA_DIR);
  const candidates = [path.resolve(path.dirname(fileURLToPath(import.meta.url)), "../../prisma"), path.resolve("prisma")];
  const found = candidates.find((dir) => existsSync(path.join(dir, "schema.prisma")));
  if (!found) throw new Error(`cannot find the prisma/ directory (looked in ${candidates.join(", ")}); set HAKO_PRISMA_DIR`);
  return found;
}

export function providerLayout(provider: Provider, dir: string = prismaDir()): ProviderLayout {
  const root = provider === "sqlite" ? dir : path.join(dir, "postgresql");
  return { provider, schemaPath: path.join(root, "schema.prisma"), migrationsDir: path.join(root, "migrations") };
}
