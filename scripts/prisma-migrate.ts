/**
 * Migrations from the command line, offline (the WebAssembly schema engine; see server/db/migrate/schema-engine.ts).
 *
 *   npx tsx scripts/prisma-migrate.ts create --name add_team [--provider sqlite|postgresql] [--url URL] [--accept-data-loss]
 *   npx tsx scripts/prisma-migrate.ts deploy [--url URL]
 *
 * create   what `prisma migrate dev --name X` does: after a model change in prisma/schema.prisma (and the same change
 *          in prisma/postgresql/schema.prisma), writes prisma/[postgresql/]migrations/<timestamp>_<name>/migration.sql
 *          and applies it to a development database. Run it once per provider. The development database is --url,
 *          else for sqlite file:.hako/dev/hako.db, for postgresql DATABASE_URL (when it is one) or
 *          HAKO_TEST_POSTGRES_URL (scripts/ensure-postgres.sh prints one); its role needs CREATEDB for the shadow
 *          database. If that database has drifted from the history, delete or recreate it.
 * deploy   applies pending migrations to --url, else DATABASE_URL (the console also does this at every start).
 */
import { mkdirSync } from "node:fs";
import path from "node:path";
import { parseArgs } from "node:util";
import { parseDatabaseUrl, resolveDatabaseUrl, type Provider } from "../server/db/database-url";
import { createMigration } from "../server/db/migrate/create";
import { migrateDeploy } from "../server/db/migrate/deploy";

const USAGE = "usage: prisma-migrate.ts create --name NAME [--provider sqlite|postgresql] [--url URL] [--accept-data-loss]\n" +
  "       prisma-migrate.ts deploy [--url URL]";

function devDatabaseUrl(provider: Provider): string {
  if (provider === "sqlite") {
    const file = path.resolve(".hako/dev/hako.db");
    mkdirSync(path.dirname(file), { recursive: true });
    return `file:${file}`;
  }
  const candidates = [process.env.DATABASE_URL, process.env.HAKO_TEST_POSTGRES_URL];
  const url = candidates.find((u) => u && parseDatabaseUrl(u).provider === "postgresql");
  if (!url) throw new Error("no PostgreSQL development database: pass --url, or export HAKO_TEST_POSTGRES_URL=$(scripts/ensure-postgres.sh)");
  return url;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      name: { type: "string" },
      provider: { type: "string" },
      url: { type: "string" },
      "accept-data-loss": { type: "boolean" },
    },
  });
  const [command] = positionals;
  if (command === "deploy") {
    const url = values.url ?? resolveDatabaseUrl();
    const { applied } = await migrateDeploy(url);
    console.log(applied.length ? `applied: ${applied.join(", ")}` : "database is up to date");
    return;
  }
  if (command !== "create" || !values.name) throw new Error(USAGE);
  const provider = (values.provider ?? (values.url ? parseDatabaseUrl(values.url).provider : "sqlite")) as Provider;
  if (provider !== "sqlite" && provider !== "postgresql") throw new Error(`--provider ${provider}: expected sqlite or postgresql`);
  const url = values.url ?? devDatabaseUrl(provider);
  if (parseDatabaseUrl(url).provider !== provider) throw new Error(`--url is not a ${provider} database`);

  const { created, applied } = await createMigration(url, values.name, { acceptDataLoss: values["accept-data-loss"] });
  if (applied.length) console.log(`applied to the development database: ${applied.join(", ")}`);
  console.log(created ? `created migration ${created} (${provider})` : `no changes: the ${provider} schema matches its migrations`);
}

main(process.argv.slice(2)).catch((error: Error & { kind?: string }) => {
  console.error(`prisma-migrate: ${error.kind ? `${error.kind}: ` : ""}${error.message}`);
  process.exit(1);
});
