/**
 * Starting builds from the console: who may, what the audit log keeps (build-arg names and the Dockerfile's digest,
 * never their values or text), the context size limit checked again at the start, and a build that outlives its
 * request and records its end. No engine runs here: the build starts, then fails on the unreachable engine, which is
 * itself a recorded outcome.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { setTimeout as sleep } from "node:timers/promises";
import { pack } from "tar-stream";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Role } from "../auth/permissions";
import { receiveContext } from "../services/builds/build-context";
import { dockerfileDigest } from "../services/builds/start-build";
import { newUserContext } from "../testing/contexts";
import { failure } from "../testing/trpc-failure";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { createCaller } from "./_app";

let temp: TempDatabase;
let consoleData: string;
beforeAll(async () => {
  process.env.HAKO_HOST = "unix:///nonexistent/hako-builds-test.sock";
  consoleData = mkdtempSync(join(tmpdir(), "hako-builds-test-"));
  process.env.HAKO_CONSOLE_DATA = consoleData;
  temp = await openTempDatabase();
});
afterAll(async () => {
  await temp.close();
  rmSync(consoleData, { recursive: true, force: true });
});
afterEach(() => {
  delete process.env.HAKO_BUILD_CONTEXT_LIMIT;
});

const as = (role: Role) => newUserContext(temp.db, role);


async function uploadContext(bytes: number): Promise<string> {
  const tar = pack();
  tar.entry({ name: "Dockerfile" }, "FROM busybox:1.38.0-glibc\n");
  tar.entry({ name: "data.bin" }, Buffer.alloc(bytes));
  tar.finalize();
  const stored = await receiveContext(Readable.from(tar), { limit: 1024 * 1024 });
  return stored.id;
}

const DOCKERFILE = "FROM busybox:1.38.0-glibc\nARG NPM_TOKEN\nRUN echo built > /x\n";

describe("starting a build", () => {
  it("is refused to a viewer, and the refusal is audited without the build args' values or the Dockerfile's text", async () => {
    const ctx = await as("viewer");
    const error = await failure(createCaller(ctx).builds.start({ dockerfile: DOCKERFILE, tags: ["team/app:1"], buildArgs: ["NPM_TOKEN=s3cret"] }));
    expect(error.code).toBe("FORBIDDEN");
    expect(error.message).toBe("Permission image.build is required; your role viewer does not have it.");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "image.build", outcome: "denied", actorRole: "viewer" });
    expect(row?.params).toContain("NPM_TOKEN=[redacted]");
    expect(row?.params).toContain(dockerfileDigest(DOCKERFILE));
    expect(row?.params).not.toContain("s3cret");
    expect(row?.params).not.toContain("RUN echo built");
    expect(await temp.db.build.count()).toBe(0);
  });

  it("refuses the upload itself to a viewer, audited", async () => {
    const ctx = await as("viewer");
    expect((await failure(createCaller(ctx).builds.authorizeUpload())).code).toBe("FORBIDDEN");
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "image.build", outcome: "denied" });
  });

  it("runs on after the request, records who built what from which Dockerfile, and records its end (here: no engine)", async () => {
    const ctx = await as("operator");
    const contextId = await uploadContext(100);
    const started = await createCaller(ctx).builds.start({ contextId, contextName: "app", dockerfile: DOCKERFILE, tags: ["team/app:1"], buildArgs: ["NPM_TOKEN=s3cret"] });
    expect(started.dockerfileDigest).toBe(dockerfileDigest(DOCKERFILE));

    const [audit] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(audit).toMatchObject({ action: "image.build", outcome: "ok", actorName: ctx.principal?.name, targetKind: "build", targetId: started.id });
    expect(audit?.targetName).toBe(`team/app:1 from Dockerfile ${started.dockerfileDigest}`);
    expect(audit?.params).not.toContain("s3cret");

    let build = await createCaller(ctx).builds.get({ id: started.id });
    for (let i = 0; i < 100 && build.status === "running"; i++) {
      await sleep(50);
      build = await createCaller(ctx).builds.get({ id: started.id });
    }
    expect(build).toMatchObject({ status: "failed", userName: ctx.principal?.name, tags: ["team/app:1"], buildArgNames: ["NPM_TOKEN"], contextName: "app" });
    expect(build.error).toMatch(/Engine unreachable/);
    const stored = await temp.db.build.findUniqueOrThrow({ where: { id: started.id } });
    expect(JSON.stringify(stored)).not.toContain("s3cret");

    const updates: unknown[] = [];
    // a tracked event reaches a server-side caller as its envelope: [id, data, marker]
    for await (const update of await createCaller(ctx).builds.follow({ id: started.id })) updates.push((update as unknown as unknown[])[1]);
    expect(updates.at(-1)).toMatchObject({ status: "failed", failure: { message: expect.stringMatching(/Engine unreachable/) } });

    // the upload stays for another build (fix the Dockerfile, build again); an unknown one is gone
    await expect(createCaller(ctx).builds.start({ contextId, dockerfile: DOCKERFILE })).resolves.toMatchObject({ id: expect.any(String) });
    const gone = "0".repeat(32);
    expect((await failure(createCaller(ctx).builds.start({ contextId: gone, dockerfile: DOCKERFILE }))).code).toBe("NOT_FOUND");
  });

  it("checks the context size limit again when the build starts", async () => {
    const ctx = await as("operator");
    const contextId = await uploadContext(4096);
    process.env.HAKO_BUILD_CONTEXT_LIMIT = "2k";
    const error = await failure(createCaller(ctx).builds.start({ contextId, dockerfile: DOCKERFILE }));
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.message).toMatch(/over the size limit of 2 KiB/);
    const [row] = await temp.db.auditEvent.findMany({ where: { requestId: ctx.request.requestId } });
    expect(row).toMatchObject({ action: "image.build", outcome: "error" });
    expect(await temp.db.build.count({ where: { userName: ctx.principal?.name } })).toBe(0);
  });

  it("refuses a bad tag or build arg next to its field", async () => {
    const ctx = await as("operator");
    const error = await failure(createCaller(ctx).builds.start({ dockerfile: DOCKERFILE, tags: ["Bad Tag"], buildArgs: ["no-equals"] }));
    expect(error.code).toBe("BAD_REQUEST");
  });
});
