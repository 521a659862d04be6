/**
 * The audit viewer's procedures against a real (temporary) database: filters, keyset pages, the chain's integrity as
 * the Audit page reports it, and exports that are authorised and themselves audited.
 */
import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { recordAudit } from "../audit/record";
import { rawScript } from "../db/test-databases";
import { exportAudit } from "../services/audit/export-audit";
import { userContext } from "../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import type { Role } from "../auth/permissions";
import { createCaller } from "./_app";

let temp: TempDatabase;
const admin = { id: "u-admin", name: "root", role: "admin" as const };
const operator = { id: "u-op", name: "olga", role: "operator" as const };
const source = { sourceIp: "192.0.2.1", userAgent: "vitest", requestId: null };

beforeAll(async () => {
  temp = await openTempDatabase();
  const at = (minute: number) => new Date(Date.UTC(2026, 0, 1, 12, minute));
  for (let i = 0; i < 30; i++) {
    await recordAudit(temp.db, {
      actor: i % 3 === 0 ? { id: "u-op", name: "olga", role: "operator" } : { id: "u-v", name: "vic", role: "viewer" },
      action: i % 2 ? "container.start" : "container.stop",
      target: { kind: "container", id: `c${i % 5}`, name: `web-${i % 5}` },
      team: i % 4 === 0 ? "payments" : "web",
      outcome: i % 7 === 0 ? "denied" : "ok",
      message: i === 13 ? "needle in the haystack" : null,
      params: { Env: ["TOKEN=abc,def"] },
      source,
      time: at(i),
    });
  }
});
afterAll(async () => temp.close());

const caller = (user: { id: string; name: string; role: Role } = admin) => createCaller(userContext(temp.db, user));

describe("audit.list", () => {
  it("pages newest first with a keyset cursor, no row twice, none missed", async () => {
    const seen: number[] = [];
    let before: number | undefined;
    for (;;) {
      const page = await caller().audit.list({ limit: 7, before });
      seen.push(...page.events.map((e) => e.seq));
      if (page.nextBefore === null) break;
      before = page.nextBefore;
    }
    expect(seen).toHaveLength(30);
    expect(seen).toEqual([...seen].sort((a, b) => b - a));
  });

  it("filters by actor, action, target, team, outcome and time range together", async () => {
    const page = await caller().audit.list({
      actor: "olga",
      action: "container.",
      target: "web-0",
      team: "payments",
      outcome: "denied",
      from: new Date(Date.UTC(2026, 0, 1, 12, 0)),
      to: new Date(Date.UTC(2026, 0, 1, 12, 0)),
    });
    expect(page.events.map((e) => e.message ?? e.action)).toEqual(["container.stop"]);
    expect(page.events[0]).toMatchObject({ actorName: "olga", targetName: "web-0", team: "payments", outcome: "denied" });
  });

  it("searches free text in messages", async () => {
    const page = await caller().audit.list({ q: "haystack" });
    expect(page.events.map((e) => e.message)).toEqual(["needle in the haystack"]);
  });

  it("is refused to an operator, and the refusal is audited", async () => {
    const error = await caller(operator).audit.list({}).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(TRPCError);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
    expect(await temp.db.auditEvent.count({ where: { action: "audit.list", outcome: "denied", actorName: "olga" } })).toBe(1);
  });
});

describe("audit.export", () => {
  it("records who exported what, with the filter", async () => {
    await caller().audit.export({ format: "csv", filter: { team: "payments" } });
    const row = await temp.db.auditEvent.findFirstOrThrow({ where: { action: "audit.export" }, orderBy: { seq: "desc" } });
    expect(row).toMatchObject({ actorName: "root", outcome: "ok", targetKind: "audit", targetName: "csv" });
    expect(JSON.parse(row.params!)).toEqual({ format: "csv", filter: { team: "payments" } });
  });

  it("writes CSV with quoted fields and JSON Lines, oldest first, across batches", async () => {
    let csv = "";
    for await (const chunk of exportAudit(temp.db, { team: "payments" }, "csv", 3)) csv += chunk;
    const lines = csv.trimEnd().split("\r\n");
    expect(lines[0]).toMatch(/^seq,time,actorId,actorName,/);
    expect(lines).toHaveLength(1 + 8); // i = 0, 4, …, 28
    expect(lines[1]).toContain('"{""Env"":[""TOKEN=[redacted]""]}"');

    let jsonl = "";
    for await (const chunk of exportAudit(temp.db, { team: "payments" }, "jsonl", 3)) jsonl += chunk;
    const events = jsonl.trimEnd().split("\n").map((l) => JSON.parse(l) as { seq: number; team: string });
    expect(events).toHaveLength(8);
    expect(events.every((e) => e.team === "payments")).toBe(true);
    expect(events.map((e) => e.seq)).toEqual([...events.map((e) => e.seq)].sort((a, b) => a - b));
  });

  it("is refused to an operator", async () => {
    const error = await caller(operator).audit.export({ format: "jsonl", filter: {} }).catch((e: unknown) => e);
    expect((error as TRPCError).code).toBe("FORBIDDEN");
  });
});

describe("audit.verify", () => {
  it("reports an intact chain, then the sequence number of a row edited in the database", async () => {
    expect(await caller().audit.verify()).toMatchObject({ ok: true, firstBreak: null });
    await rawScript(temp.url, `UPDATE "AuditEvent" SET "outcome" = 'ok' WHERE "seq" = 8`);
    const report = await caller().audit.verify();
    expect(report).toMatchObject({ ok: false, firstBreak: { seq: 8, reason: "content" } });
    expect(report.summary).toContain("broken at sequence 8");
  });
});
