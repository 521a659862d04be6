/** The developer's command line over the migration library: arguments, output, exit codes, and a prompt exit. */
import { execFile } from "node:child_process";
import { appendFile, cp, mkdtemp, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterEach, beforeEach, describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");
const run = (args: string[], env: Record<string, string>) =>
  promisify(execFile)(process.execPath, [path.join(root, "node_modules/tsx/dist/cli.mjs"), "scripts/prisma-migrate.ts", ...args], {
    cwd: root,
    env: { ...process.env, ...env },
    timeout: 30_000, // the engine's own timers once kept the process alive for a minute after its work was done
  });

describe("scripts/prisma-migrate.ts", () => {
  let tmp: string;
  beforeEach(async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "hako-migrate-cli-"));
    await cp(path.join(root, "prisma/schema.prisma"), path.join(tmp, "prisma/schema.prisma"));
    await cp(path.join(root, "prisma/migrations"), path.join(tmp, "prisma/migrations"), { recursive: true });
  });
  afterEach(() => rm(tmp, { recursive: true, force: true }));

  it("create writes the new migration and deploy applies the folder to another database", async () => {
    const env = { HAKO_PRISMA_DIR: path.join(tmp, "prisma") };
    await appendFile(path.join(tmp, "prisma/schema.prisma"), `\nmodel Widget {\n  id String @id\n}\n`);

    const created = await run(["create", "--name", "add_widget", "--url", `file:${tmp}/dev.db`], env);
    expect(created.stdout).toMatch(/created migration \d{14}_add_widget \(sqlite\)/);
    const folders = await readdir(path.join(tmp, "prisma/migrations"));
    expect(folders.filter((f) => f.endsWith("_add_widget"))).toHaveLength(1);

    const deployed = await run(["deploy", "--url", `file:${tmp}/other.db`], env);
    expect(deployed.stdout).toMatch(/^applied: \d{14}_init(, \d{14}_\w+)*, \d{14}_add_widget$/m);
    expect((await run(["deploy", "--url", `file:${tmp}/other.db`], env)).stdout).toContain("database is up to date");
  });

  it("refuses bad arguments with the usage and exit code 1", async () => {
    await expect(run(["create"], {})).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("usage:") });
    await expect(run(["deploy", "--url", "mysql://x/y"], {})).rejects.toMatchObject({ code: 1, stderr: expect.stringContaining("InvalidUrl") });
  });
});
