/**
 * `hako admin create --username U --password-stdin`: creates an admin, e.g. the first one on a headless host.
 * `hako user create --username U --role operator|viewer|admin --password-stdin`: any account, before the user pages
 * exist (and for scripted setups such as the end-to-end tests).
 */
import { text } from "node:stream/consumers";
import { parseArgs } from "node:util";
import { isRole, roles, type Role } from "../auth/permissions";
import { closeDatabase, openDatabase } from "../db";
import { createCaller } from "../routers/_app";
import { cliContext } from "./cli-context";
import { UsageError } from "./errors";

export function adminCreate(args: string[]): Promise<void> {
  return createAccount(args, "admin create", "admin");
}

export function userCreate(args: string[]): Promise<void> {
  return createAccount(args, "user create", null);
}

async function createAccount(args: string[], command: string, fixedRole: Role | null): Promise<void> {
  const { values } = parseArgs({
    args,
    options: {
      username: { type: "string" },
      "password-stdin": { type: "boolean", default: false },
      ...(fixedRole ? {} : { role: { type: "string" as const } }),
    },
  });
  if (!values.username) throw new UsageError(`hako ${command} needs --username NAME`);
  const role = fixedRole ?? (values as { role?: string }).role;
  if (!role || !isRole(role)) throw new UsageError(`hako ${command} needs --role ${roles.join("|")}`);
  // A password on the command line would show in `ps` and shell history; stdin is the only way in.
  if (!values["password-stdin"]) throw new UsageError(`hako ${command} reads the password from stdin: add --password-stdin`);
  if (process.stdin.isTTY) process.stderr.write("Password (then Ctrl-D): ");
  const password = (await text(process.stdin)).replace(/\r?\n$/, "");

  const db = await openDatabase();
  try {
    const user = await createCaller(cliContext(db, command)).users.create({ username: values.username, password, role });
    console.log(`Created ${user.role} ${user.username}.`);
  } finally {
    await closeDatabase();
  }
}
