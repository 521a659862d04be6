/** `hako admin create --username U --password-stdin`: creates an admin, e.g. the first one on a headless host. */
import { text } from "node:stream/consumers";
import { parseArgs } from "node:util";
import { closeDatabase, openDatabase } from "../db";
import { createCaller } from "../routers/_app";
import { cliContext } from "./cli-context";
import { UsageError } from "./errors";

export async function adminCreate(args: string[]): Promise<void> {
  const { values } = parseArgs({
    args,
    options: { username: { type: "string" }, "password-stdin": { type: "boolean", default: false } },
  });
  if (!values.username) throw new UsageError("hako admin create needs --username NAME");
  // A password on the command line would show in `ps` and shell history; stdin is the only way in.
  if (!values["password-stdin"]) throw new UsageError("hako admin create reads the password from stdin: add --password-stdin");
  if (process.stdin.isTTY) process.stderr.write("Password (then Ctrl-D): ");
  const password = (await text(process.stdin)).replace(/\r?\n$/, "");

  const db = await openDatabase();
  try {
    const user = await createCaller(cliContext(db, "admin create")).users.create({
      username: values.username,
      password,
      role: "admin",
    });
    console.log(`Created admin ${user.username}.`);
  } finally {
    await closeDatabase();
  }
}
