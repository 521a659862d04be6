import { mkdtemp, rm, stat } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { consoleDataDir, openDatabase, parseDatabaseUrl, resolveDatabaseUrl } from ".";

describe("DATABASE_URL", () => {
  let tmp: string | undefined;
  afterEach(async () => {
    if (tmp) await rm(tmp, { recursive: true, force: true });
  });

  it("defaults to hako.db in the console data directory, which is created private (0700)", async () => {
    tmp = await mkdtemp(path.join(os.tmpdir(), "hako-data-"));
    const dataDir = path.join(tmp, "lib/hako/console");
    expect(resolveDatabaseUrl({ HAKO_CONSOLE_DATA: dataDir })).toBe(`file:${dataDir}/hako.db`);
    expect((await stat(dataDir)).mode & 0o777).toBe(0o700);
    expect(consoleDataDir({ HAKO_CONSOLE_DATA: dataDir })).toBe(dataDir);
    expect(resolveDatabaseUrl({ HAKO_CONSOLE_DATA: dataDir, DATABASE_URL: "postgresql://h/db" })).toBe("postgresql://h/db");
  });

  it("file:PATH is SQLite, absolute or relative to the working directory", () => {
    expect(parseDatabaseUrl("file:/var/lib/hako/console/hako.db")).toMatchObject({ provider: "sqlite", file: "/var/lib/hako/console/hako.db" });
    expect(parseDatabaseUrl("file:./dev.db")).toMatchObject({ provider: "sqlite", file: path.resolve("dev.db") });
    expect(parseDatabaseUrl("file:///tmp/a%20b.db?mode=rwc")).toMatchObject({ provider: "sqlite", file: "/tmp/a b.db" });
  });

  it("postgresql:// and postgres:// are PostgreSQL, given to the driver as discrete fields", () => {
    expect(parseDatabaseUrl("postgresql://hako:p%40ss@127.0.0.1:5433/console?sslmode=disable")).toMatchObject({
      provider: "postgresql",
      connection: { host: "127.0.0.1", port: 5433, user: "hako", password: "p@ss", database: "console" },
    });
    expect(parseDatabaseUrl("postgres://db.internal/console")).toMatchObject({ provider: "postgresql", connection: { database: "console" } });
  });

  it.each([
    ["mysql://root@localhost/hako", "unsupported scheme"],
    ["/var/lib/hako/console/hako.db", "unsupported scheme"],
    ["file:", "no file path"],
    ["postgresql://hako@127.0.0.1:5432", "no database name"],
    ["postgresql://hako@127.0.0.1/hako?schema=tenant1", "?schema="],
  ])("refuses %s (%s)", (url, reason) => {
    expect(() => parseDatabaseUrl(url)).toThrow(expect.objectContaining({ kind: "InvalidUrl", message: expect.stringContaining(reason) }));
  });

  it("never repeats a password in its error", () => {
    expect(() => parseDatabaseUrl("postgresql://hako:s3cret@127.0.0.1:5432")).toThrow(/hako:\*\*\*@/);
    expect(() => parseDatabaseUrl("postgresql://hako:s3cret@127.0.0.1:5432")).not.toThrow(/s3cret/);
  });

  it("openDatabase refuses an unusable URL before touching anything", async () => {
    await expect(openDatabase("mongodb://localhost/hako")).rejects.toMatchObject({ name: "DatabaseError", kind: "InvalidUrl" });
  });
});
