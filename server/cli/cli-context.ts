/**
 * The tRPC context of a local `hako` command: the CLI principal (see auth/principal.ts) calling the same procedures as
 * the console, so its changes pass the same permission check and land in the same audit log.
 */
import { randomUUID } from "node:crypto";
import { cliPrincipal } from "../auth/principal";
import type { Db } from "../db";
import { memoryCookies } from "../http/response-cookies";
import type { Context } from "../trpc";

export function cliContext(db: Db, command: string): Context {
  return {
    db,
    principal: cliPrincipal,
    sessionId: null,
    request: { sourceIp: null, userAgent: `hako ${command}`, requestId: randomUUID(), secure: false },
    cookies: memoryCookies(),
  };
}
