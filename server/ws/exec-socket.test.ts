/**
 * The terminal's WebSocket edge on a real HTTP server, with real sessions in a temporary database: who may attach, and
 * that every refusal is audited. (The attach itself, against a real engine, is in the services' engine test and e2e.)
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import WebSocket from "ws";
import { SESSION_COOKIE } from "../auth/cookie";
import type { Role } from "../auth/permissions";
import { openSession } from "../auth/sessions";
import { openTempDatabase, type TempDatabase } from "../testing/temp-database";
import { handleExecUpgrade } from "./exec-socket";
import { CLOSE } from "./terminal-protocol";

let temp: TempDatabase;
let server: Server;
let base: string;

beforeAll(async () => {
  process.env.HAKO_HOST = "unix:///nonexistent/hako-exec-socket-test.sock";
  temp = await openTempDatabase();
  process.env.DATABASE_URL = temp.url; // the socket opens the process's database by itself
  server = createServer((_, res) => res.end());
  server.on("upgrade", (req, socket, head) => {
    if (!handleExecUpgrade(req, socket, head)) socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  base = `ws://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await temp.close();
});

async function cookieFor(role: Role): Promise<{ cookie: string; username: string }> {
  const username = `${role}-${Math.random().toString(36).slice(2)}`;
  const user = await temp.db.user.create({ data: { username, passwordHash: "x", role } });
  const session = await openSession(temp.db, user.id, { sourceIp: null, userAgent: null });
  return { cookie: `${SESSION_COOKIE}=${session.token}`, username };
}

interface Outcome {
  code: number;
  message: string;
  status?: number;
}

function attach(path: string, headers: Record<string, string> = {}): Promise<Outcome> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(`${base}${path}`, { headers });
    let message = "";
    ws.on("message", (data) => (message = data.toString()));
    ws.on("close", (code) => resolve({ code, message }));
    ws.on("unexpected-response", (_, res) => resolve({ code: 0, message: "", status: res.statusCode }));
    ws.on("error", (err) => (err.message.includes("Unexpected server response") ? undefined : reject(err)));
  });
}

const auditFor = (actorName: string) => temp.db.auditEvent.findMany({ where: { actorName, action: "container.exec" } });

describe("the terminal socket", () => {
  it("refuses a caller who is not signed in, audited as anonymous", async () => {
    const before = (await auditFor("anonymous")).length;
    const outcome = await attach("/api/ws/exec/abc");
    expect(outcome).toEqual({ code: CLOSE.unauthenticated, message: JSON.stringify({ type: "error", message: "Sign in to use the terminal." }) });
    expect((await auditFor("anonymous")).length).toBe(before + 1);
  });

  it("refuses a viewer (container.exec), and audits the refusal", async () => {
    const { cookie, username } = await cookieFor("viewer");
    const outcome = await attach("/api/ws/exec/abc", { cookie });
    expect(outcome.code).toBe(CLOSE.forbidden);
    expect(outcome.message).toContain("Permission container.exec is required; your role viewer does not have it.");
    expect(await auditFor(username)).toEqual([expect.objectContaining({ outcome: "denied", actorRole: "viewer" })]);
  });

  it("refuses an operator an exec this console did not create for them", async () => {
    const { cookie, username } = await cookieFor("operator");
    const outcome = await attach("/api/ws/exec/0123456789abcdef", { cookie });
    expect(outcome.code).toBe(CLOSE.notFound);
    expect(outcome.message).toContain("unknown or has expired");
    expect(await auditFor(username)).toEqual([expect.objectContaining({ outcome: "error", params: '{"execId":"0123456789abcdef"}' })]);
  });

  it("refuses another site's page before upgrading (cross-site WebSocket hijacking)", async () => {
    const { cookie } = await cookieFor("admin");
    const outcome = await attach("/api/ws/exec/abc", { cookie, origin: "https://evil.example" });
    expect(outcome.status).toBe(403);
  });

  it("leaves other paths to other listeners", async () => {
    const outcome = await attach("/somewhere/else").catch((err: Error) => ({ code: -1, message: err.message }));
    expect(outcome.code).not.toBe(CLOSE.unauthenticated);
  });
});
