/**
 * Terminal sessions are recorded, on a real hakod through the terminal's real WebSocket: what was typed and what was
 * shown land in the session's ExecTranscript (asciicast v2) with its exit code; the session's attach and end rows in
 * the audit log name the transcript; only an admin may read it back (a refusal is audited); and a session that prints
 * more than the cap keeps a transcript of at most the cap, marked truncated, which its end row says.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { isRoot, startEngine, type EngineHandle } from "../../runtime/integration/engine-harness";
import { SESSION_COOKIE } from "../auth/cookie";
import { openSession } from "../auth/sessions";
import { engine } from "../engine/client";
import { createCaller } from "../routers/_app";
import { parseCast } from "../services/audit/asciicast";
import { ENGINE_ACTOR, watchEngineAudit } from "../services/engine-audit/engine-audit-watcher";
import { userContext } from "../testing/contexts";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { handleExecUpgrade } from "./exec-socket";
import { execSocketPath, parseServerControl, TRANSCRIPT_CAP_BYTES } from "./terminal-protocol";

describe.skipIf(!isRoot)("terminal transcripts on a real engine", () => {
  let temp: TempDatabase;
  let handle: EngineHandle;
  let server: Server;
  let base: string;
  let cookie: string;
  const admin = { id: "", name: "ada", role: "admin" as const };

  beforeAll(async () => {
    temp = await openTempDatabase();
    process.env.DATABASE_URL = temp.url; // the socket opens the process's database by itself
    handle = await startEngine();
    process.env.HAKO_HOST = handle.host;
    const busybox = await handle.loadBusybox();
    expect((await handle.docker(["run", "-d", "--name", "term", busybox, "sleep", "600"])).code).toBe(0);
    const user = await temp.db.user.create({ data: { username: admin.name, passwordHash: "x", role: "admin" } });
    admin.id = user.id;
    cookie = `${SESSION_COOKIE}=${(await openSession(temp.db, user.id, { sourceIp: null, userAgent: null })).token}`;
    server = createServer((_, res) => res.end());
    server.on("upgrade", (req, socket, head) => {
      if (!handleExecUpgrade(req, socket, head)) socket.destroy();
    });
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }, 120_000);
  afterAll(async () => {
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
    await handle?.cleanup();
    await temp?.close();
  });

  /** Opens a terminal, types each line once the previous one's `waitFor` text was shown; resolves with the exit code. */
  async function session(steps: { type: string; waitFor?: string }[]): Promise<{ exitCode: number | null; output: string }> {
    // As the Terminal tab does: the exec is created (and audited) by the containers.exec procedure.
    const exec = await createCaller(userContext(temp.db, admin)).containers.exec({ id: "term", command: ["sh"] });
    const ws = new WebSocket(`${base}${execSocketPath(exec.execId)}`, { headers: { cookie } });
    let output = "";
    let next = 0;
    const advance = () => {
      while (next < steps.length && (next === 0 || output.includes(steps[next - 1]!.waitFor ?? ""))) ws.send(Buffer.from(steps[next++]!.type), { binary: true });
    };
    return new Promise((resolve, reject) => {
      let exitCode: number | null = null;
      ws.on("open", () => {
        ws.send(JSON.stringify({ type: "resize", cols: 120, rows: 40 }));
        advance();
      });
      ws.on("message", (data, isBinary) => {
        if (!isBinary) {
          const control = parseServerControl(data.toString());
          if (control?.type === "exit") exitCode = control.exitCode;
          return;
        }
        output += data.toString();
        advance();
      });
      ws.on("close", () => resolve({ exitCode, output }));
      ws.on("error", reject);
    });
  }

  const execRows = () => temp.db.auditEvent.findMany({ where: { action: "container.exec", actorName: admin.name }, orderBy: { seq: "asc" } });

  it("records input, output and exit code, and names the transcript in the session's audit rows", async () => {
    const { exitCode, output } = await session([{ type: "echo hi-$((6*7))\n", waitFor: "hi-42" }, { type: "exit 4\n" }]);
    expect(exitCode).toBe(4);
    expect(output).toContain("hi-42");

    const [attach, end] = (await execRows()).slice(-2);
    const transcriptId = JSON.parse(attach!.params!).transcriptId as string;
    expect(attach).toMatchObject({ outcome: "ok", message: `terminal opened; recording transcript ${transcriptId}`, targetName: "term" });
    expect(JSON.parse(end!.params!)).toMatchObject({ transcriptId, exitCode: 4, command: ["sh"] });
    expect(end!.message).toBe("terminal ended; exit code 4");

    const transcript = await temp.db.execTranscript.findUniqueOrThrow({ where: { id: transcriptId } });
    expect(transcript).toMatchObject({ userName: "ada", containerName: "term", command: "sh", exitCode: 4, truncated: false, capBytes: TRANSCRIPT_CAP_BYTES });
    expect(transcript.endedAt).not.toBeNull();
    const cast = parseCast(transcript.cast);
    expect(cast.header).toMatchObject({ version: 2, command: "sh", title: "term" });
    expect(cast.events.find((e) => e[1] === "r")?.[2]).toBe("120x40"); // the browser's size, as it announced it
    const typed = cast.events.filter((e) => e[1] === "i").map((e) => e[2]).join("");
    const shown = cast.events.filter((e) => e[1] === "o").map((e) => e[2]).join("");
    expect(typed).toBe("echo hi-$((6*7))\nexit 4\n");
    expect(shown).toContain("hi-42");
    expect(transcript.bytes).toBe(Buffer.byteLength(transcript.cast));
  }, 60_000);

  it("lets an admin read a transcript back, and refuses (and audits) anyone else", async () => {
    const [, end] = (await execRows()).slice(-2);
    const transcriptId = JSON.parse(end!.params!).transcriptId as string;
    const read = await createCaller(userContext(temp.db, admin)).audit.transcript({ id: transcriptId });
    expect(read).toMatchObject({ id: transcriptId, exitCode: 4 });
    const operator = { id: "u-olga", name: "olga", role: "operator" as const };
    await expect(createCaller(userContext(temp.db, operator)).audit.transcript({ id: transcriptId })).rejects.toMatchObject({ code: "FORBIDDEN" });
    expect(await temp.db.auditEvent.count({ where: { action: "audit.transcript.read", actorName: "olga", outcome: "denied" } })).toBe(1);
    await expect(createCaller(userContext(temp.db, admin)).audit.transcript({ id: "nope" })).rejects.toMatchObject({ code: "NOT_FOUND" });
  });

  it("is not audited a second time by the engine-socket watcher, which still records a docker exec", async () => {
    const watcher = new AbortController();
    void watchEngineAudit(temp.db, engine(), watcher.signal, () => undefined);
    try {
      await expect.poll(() => temp.db.engineCursor.count({ where: { name: "engine-audit" } })).toBe(1);
      const { exitCode } = await session([{ type: "exit 6\n" }]);
      expect(exitCode).toBe(6);
      expect((await handle.docker(["exec", "term", "true"])).code).toBe(0);
      const socketExecs = async () => (await temp.db.auditEvent.findMany({ where: { actorName: ENGINE_ACTOR, action: "container.exec" } })).map((r) => JSON.parse(r.params!) as { command?: string });
      await expect.poll(async () => (await socketExecs()).some((p) => p.command === "true"), { timeout: 30_000 }).toBe(true);
      expect((await socketExecs()).filter((p) => p.command === "sh")).toEqual([]);
    } finally {
      watcher.abort();
    }
  }, 60_000);

  it("keeps at most the cap of a session that prints more, marked truncated", async () => {
    const { exitCode } = await session([{ type: "head -c 1500000 /dev/zero | tr '\\0' x; echo; echo done-$((1+1))\n", waitFor: "done-2" }, { type: "exit\n" }]);
    expect(exitCode).toBe(0);
    const end = (await execRows()).at(-1)!;
    expect(end.message).toBe("terminal ended; exit code 0; transcript truncated at the 1 MiB cap");
    const transcript = await temp.db.execTranscript.findUniqueOrThrow({ where: { id: JSON.parse(end.params!).transcriptId as string } });
    expect(transcript.truncated).toBe(true);
    expect(transcript.bytes).toBeLessThanOrEqual(TRANSCRIPT_CAP_BYTES);
    expect(transcript.bytes).toBeGreaterThan(TRANSCRIPT_CAP_BYTES - 70_000); // filled up to the cap, not cut early
    expect(parseCast(transcript.cast).events.map((e) => e[2]).join("")).not.toContain("done-2");
  }, 120_000);
});
