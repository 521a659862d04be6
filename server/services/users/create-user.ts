/**
 * Creating a user account. Usernames are unique; the password is stored only as an argon2id hash.
 */
import { hashPassword } from "../../auth/password";
import type { Role } from "../../auth/permissions";
import { isUniqueViolation, type Db } from "../../db";
import { ServiceError } from "../errors";

export interface NewUser {
  username: string;
  password: string;
  role: Role;
}

export interface CreatedUser {
  id: string;
  username: string;
  role: Role;
}

export async function createUser(db: Db, user: NewUser): Promise<CreatedUser> {
  if (await db.user.findUnique({ where: { username: user.username } })) {
    throw new ServiceError("Conflict", `User ${user.username} already exists.`);
  }
  const passwordHash = await hashPassword(user.password);
  try {
    const row = await db.user.create({ data: { username: user.username, passwordHash, role: user.role } });
    return { id: row.id, username: row.username, role: user.role };
  } catch (err) {
    // Lost a race with a concurrent create of the same name.
    if (isUniqueViolation(err)) throw new ServiceError("Conflict", `User ${user.username} already exists.`);
    throw err;
  }
}
