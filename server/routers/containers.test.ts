/**
 * The container procedures' own refusals, beyond the matrix's per-procedure check (auth/permissions.test.ts): the
 * refinements checked inside a procedure, audited like any refusal, and the secrets kept out of the audit log. No
 * engine runs here; what is checked happens before any engine request.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../auth/permissions";
import { newUserContext } from "../testing/contexts";
import { failure } from "../testing/trpc-failure";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { createCaller } from "./_app";

let temp: TempDatabase;
beforeAll(async () => {
  process.env.HAKO_HOST = "unix:///nonexistent/hako-containers-test.sock";
  temp = await openTempDatabase();
});
afterAll(async () => temp.close());

const as = (role: Role) => newUserContext(temp.db, role);


describe("running a container", () => {
  it("refuses a privileged container to an operator, before asking the engine, and audits the refusal without env values", async () => {
    const ctx = await as("operator");
    const error = await failure(createCaller(ctx).containers.create({ image: "busybox", privileged: true, env: ["TOKEN=s3cret"] }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("Permission container.create.privileged is required; your role operator does not have it.");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "container.create", outcome: "denied", actorRole: "operator" });
    expect(row?.params).toContain("TOKEN=[redacted]");
    expect(row?.params).not.toContain("s3cret");
  });

  it("lets an admin through that check (the engine, absent here, is the next to answer)", async () => {
    const ctx = await as("admin");
    const error = await failure(createCaller(ctx).containers.create({ image: "busybox", privileged: true }));
    expect(error.code).toBe("SERVICE_UNAVAILABLE");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "container.create", outcome: "error" });
  });

  it("refuses bad input field by field, and audits it as an error", async () => {
    const ctx = await as("operator");
    const error = await failure(createCaller(ctx).containers.create({ image: "busybox", memory: "12zz", env: ["oops"] }));
    expect(error.code).toBe("BAD_REQUEST");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "container.create", outcome: "error" });
    expect(row?.message).toContain("memory: Write a size such as 256m or 1g.");
    expect(row?.message).toContain("env.0: ");
  });
});

describe("a terminal", () => {
  it("is refused to a viewer (FORBIDDEN, audited with the command)", async () => {
    const ctx = await as("viewer");
    const error = await failure(createCaller(ctx).containers.exec({ id: "web-1", command: ["sh"] }));
    expect(error.code).toBe("FORBIDDEN");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "container.exec", outcome: "denied", actorRole: "viewer" });
    expect(row?.params).toContain('"command":["sh"]');
  });
});

describe("log downloads", () => {
  it("are refused to a viewer and audited", async () => {
    const ctx = await as("viewer");
    const error = await failure(createCaller(ctx).containers.downloadLogs({ id: "web-1" }));
    expect(error.code).toBe("FORBIDDEN");
    expect(await temp.db.auditEvent.count({ where: { requestId: ctx.request.requestId, action: "container.logs.download", outcome: "denied" } })).toBe(1);
  });
});
