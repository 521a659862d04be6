/**
 * The console uses one client type for both databases (server/db/client.ts casts the PostgreSQL client to the SQLite
 * one). That is only sound while the two schemas declare the same models, so any difference fails here.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { Prisma as PostgresPrisma } from "../server/db/generated/postgresql/client";
import { Prisma as SqlitePrisma } from "../server/db/generated/sqlite/client";

const root = path.resolve(import.meta.dirname, "..");

/** Each model/enum/view/type block with the `///` doc comment above it, in file order. */
async function modelBlocks(schema: string): Promise<string[]> {
  const text = await readFile(path.join(root, schema), "utf8");
  return [...text.matchAll(/(?:^\/\/\/.*\n)*^(?:model|enum|view|type) \w+ \{[\s\S]*?^\}/gm)].map((m) => m[0]);
}

/** The data model a generated client runs on, as the generator embedded it. */
async function runtimeDataModel(provider: string): Promise<unknown> {
  const text = await readFile(path.join(root, `server/db/generated/${provider}/internal/class.ts`), "utf8");
  const json = /^config\.runtimeDataModel = JSON\.parse\((".*")\)$/m.exec(text)?.[1];
  if (!json) throw new Error(`no runtimeDataModel in the ${provider} client: run scripts/prisma-generate.sh`);
  return JSON.parse(JSON.parse(json) as string);
}

describe("the SQLite and PostgreSQL schemas", () => {
  it("declare identical model blocks", async () => {
    const sqlite = await modelBlocks("prisma/schema.prisma");
    expect(sqlite.length).toBeGreaterThan(0);
    expect(await modelBlocks("prisma/postgresql/schema.prisma")).toEqual(sqlite);
  });

  it("generate clients with the same models and fields", async () => {
    expect(PostgresPrisma.ModelName).toEqual(SqlitePrisma.ModelName);
    for (const model of Object.keys(SqlitePrisma.ModelName)) {
      const fields = `${model}ScalarFieldEnum` as const;
      expect((PostgresPrisma as Record<string, unknown>)[fields], fields).toEqual((SqlitePrisma as Record<string, unknown>)[fields]);
    }
    expect(await runtimeDataModel("postgresql")).toEqual(await runtimeDataModel("sqlite"));
  });
});
