/**
 * First-run setup: while the console has no user at all, anyone who can reach it may create the first admin. Once a
 * user exists this is refused for good; later accounts come from an admin (or `hako admin create` on the host).
 */
import type { Db } from "../../db";
import { ServiceError } from "../errors";
import { createUser, type CreatedUser } from "../users/create-user";

export async function needsSetup(db: Db): Promise<boolean> {
  return (await db.user.count()) === 0;
}

/**
 * Setups run one at a time: two visitors racing on a fresh console must not both become admin. The console is one
 * process, so an in-process queue is enough; several console processes on one PostgreSQL would need a database lock.
 */
let queue: Promise<unknown> = Promise.resolve();

export function setupFirstAdmin(db: Db, credentials: { username: string; password: string }): Promise<CreatedUser> {
  const run = queue.then(() => setupOnce(db, credentials));
  queue = run.catch(() => undefined);
  return run;
}

async function setupOnce(db: Db, credentials: { username: string; password: string }): Promise<CreatedUser> {
  if (!(await needsSetup(db))) {
    throw new ServiceError("PermissionDenied", "Setup is already complete. Sign in instead.", {
      detail: "setup attempted after the first user exists",
    });
  }
  return createUser(db, { ...credentials, role: "admin" });
}
