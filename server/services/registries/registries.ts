/**
 * The team's registries: an address (host[:port], as image references name it) with optional credentials, sealed at
 * rest (./secret-box.ts). Admins add, test and remove them; pulls and pushes take the credentials of the registry
 * their reference names (`127.0.0.1:5000/team/bb:v1` → 127.0.0.1:5000; `busybox` → docker.io).
 */
import { z } from "zod";
import { engineCall, EngineUnreachable, type Engine } from "../../engine/client";
import { isUniqueViolation, type Db } from "../../db";
import { ServiceError } from "../errors";
import { loadSecretKey, open, seal } from "./secret-box";

export const DOCKER_HUB = "docker.io";

export const registryInputSchema = z.object({
  address: z.string().trim().min(1, "Enter the registry's address, e.g. registry.example.com or 127.0.0.1:5000.").max(255),
  username: z.string().trim().max(255).optional(),
  /** password or access token */
  password: z.string().max(4096).optional(),
});
export type RegistryInput = z.infer<typeof registryInputSchema>;

export interface RegistrySummary {
  id: string;
  address: string;
  username: string | null;
  hasSecret: boolean;
  createdBy: string;
  createdAt: Date;
  lastTestedAt: Date | null;
  lastTestOk: boolean | null;
  lastTestMessage: string | null;
}

/** What the engine takes in X-Registry-Auth (and dockerode as `authconfig`). */
export interface AuthConfig {
  username: string;
  password: string;
  serveraddress: string;
}

/** `https://Registry.Example.com:5000/v2/` → `registry.example.com:5000`; Docker Hub's aliases → docker.io. */
export function normaliseAddress(raw: string): string {
  const host = raw.trim().replace(/^[a-z]+:\/\//i, "").replace(/\/.*$/, "").toLowerCase();
  if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:]+\](:\d{1,5})?$/.test(host)) {
    throw new ServiceError("InvalidArgument", `${JSON.stringify(raw)} is not a registry address; use host or host:port, e.g. 127.0.0.1:5000.`);
  }
  return ["index.docker.io", "registry-1.docker.io", "registry.hub.docker.com"].includes(host) ? DOCKER_HUB : host;
}

/** The registry an image reference names, as Docker reads it: a first component with a dot, a colon or "localhost". */
export function registryOfReference(reference: string): string {
  const slash = reference.indexOf("/");
  if (slash < 0) return DOCKER_HUB;
  const first = reference.slice(0, slash);
  return /[.:]/.test(first) || first === "localhost" ? normaliseAddress(first) : DOCKER_HUB;
}

function summary(row: { id: string; address: string; username: string | null; sealedSecret: string | null; createdBy: string; createdAt: Date; lastTestedAt: Date | null; lastTestOk: boolean | null; lastTestMessage: string | null }): RegistrySummary {
  const { sealedSecret, ...rest } = row;
  return { ...rest, hasSecret: sealedSecret !== null };
}

export async function listRegistries(db: Db): Promise<RegistrySummary[]> {
  return (await db.registry.findMany({ orderBy: { address: "asc" } })).map(summary);
}

export async function addRegistry(db: Db, actor: string, input: RegistryInput, keyDir?: string): Promise<RegistrySummary> {
  const address = normaliseAddress(input.address);
  const username = input.username || null;
  if (input.password && !username) throw new ServiceError("InvalidArgument", "A password or token needs a username.");
  const sealedSecret = input.password ? seal(loadSecretKey(keyDir), input.password, address) : null;
  try {
    return summary(await db.registry.create({ data: { address, username, sealedSecret, createdBy: actor } }));
  } catch (err) {
    if (isUniqueViolation(err)) throw new ServiceError("Conflict", `${address} is already in the list; remove it first to change its credentials.`);
    throw err;
  }
}

export async function removeRegistry(db: Db, id: string): Promise<RegistrySummary> {
  const row = await db.registry.findUnique({ where: { id } });
  if (!row) throw new ServiceError("NotFound", "No such registry (it may have been removed already).");
  await db.registry.delete({ where: { id } });
  return summary(row);
}

/** The credentials stored for `address`, opened; null when the registry is not listed or is anonymous. */
export async function authConfigFor(db: Db, address: string, keyDir?: string): Promise<AuthConfig | null> {
  const row = await db.registry.findUnique({ where: { address: normaliseAddress(address) } });
  if (!row?.username || !row.sealedSecret) return null;
  return { username: row.username, password: open(loadSecretKey(keyDir), row.sealedSecret, row.address), serveraddress: row.address };
}

/** `docker login` through the engine (POST /auth); the outcome is kept on the row for the list. */
export async function testRegistry(db: Db, target: Engine, id: string, keyDir?: string): Promise<RegistrySummary> {
  const row = await db.registry.findUnique({ where: { id } });
  if (!row) throw new ServiceError("NotFound", "No such registry (it may have been removed already).");
  const auth = (await authConfigFor(db, row.address, keyDir)) ?? { username: "", password: "", serveraddress: row.address };
  let ok = true;
  let message = "Login Succeeded";
  try {
    const answer = await engineCall(target, (docker) => docker.checkAuth(auth) as Promise<{ Status?: string }>, { patient: true });
    message = answer?.Status || message;
  } catch (err) {
    if (!(err instanceof ServiceError) || err instanceof EngineUnreachable) throw err;
    ok = false;
    message = err.message.replace(/^Engine error: /, "");
  }
  const updated = await db.registry.update({ where: { id }, data: { lastTestedAt: new Date(), lastTestOk: ok, lastTestMessage: message } });
  return summary(updated);
}
