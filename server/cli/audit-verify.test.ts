/** `hako audit verify` end to end: the real command against a real SQLite file named by DATABASE_URL. */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../audit/record";
import { closeDatabase, openDatabase } from "../db";
import { rawScript } from "../db/test-databases";

const run = promisify(execFile);
const hako = path.resolve(__dirname, "../../bin/hako");
let dir: string;
let url: string;

async function verify(): Promise<{ code: number; out: string }> {
  return run(hako, ["audit", "verify"], { env: { ...process.env, DATABASE_URL: url } }).then(
    ({ stdout, stderr }) => ({ code: 0, out: stdout + stderr }),
    (err: { code: number; stdout: string; stderr: string }) => ({ code: err.code, out: err.stdout + err.stderr }),
  );
}

beforeAll(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "hako-audit-verify-"));
  url = `file:${path.join(dir, "console.db")}`;
  const db = await openDatabase(url);
  const source = { sourceIp: null, userAgent: "vitest", requestId: null };
  for (const action of ["user.create", "auth.signin", "container.create"]) {
    await recordAudit(db, { actor: { id: null, name: "alice", role: "admin" }, action, outcome: "ok", source });
  }
  await closeDatabase();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("hako audit verify", () => {
  it("exits 0 on an untouched log and prints its head", async () => {
    const { code, out } = await verify();
    expect(code).toBe(0);
    expect(out).toMatch(/audit chain intact: 3 events, head seq 3 hash [0-9a-f]{64}/);
  });

  it("exits 1 naming the first broken sequence number after a row is edited in the database", async () => {
    await rawScript(url, `UPDATE "AuditEvent" SET "actorName" = 'mallory' WHERE "seq" = 2`);
    const { code, out } = await verify();
    expect(code).toBe(1);
    expect(out).toContain("audit chain broken at sequence 2");
  });
}, 60_000);
