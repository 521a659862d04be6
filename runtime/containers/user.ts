/**
 * Resolving a container's `User` ("", "name", "uid", "name:group", "uid:gid", …) against the image's /etc/passwd and
 * /etc/group, with runc's rules (which Docker uses): a name must exist; a number need not; the primary group comes from
 * the passwd entry unless a group is given; supplementary groups are the primary group plus the groups that list the
 * user as a member (those only when no group was given explicitly).
 */
import { readFile } from "node:fs/promises";
import { invalidArgument } from "../errors.js";
import { resolveInRoot } from "./in-root.js";

export interface PasswdEntry {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

export interface GroupEntry {
  name: string;
  gid: number;
  members: string[];
}

export interface ExecUser {
  uid: number;
  gid: number;
  additionalGids: number[];
  home: string;
}

const isNumeric = (s: string): boolean => /^[0-9]+$/.test(s);
const MAX_ID = 2 ** 31 - 1;

export function parsePasswd(text: string): PasswdEntry[] {
  const out: PasswdEntry[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const f = t.split(":");
    if (f.length < 4 || !isNumeric(f[2] ?? "") || !isNumeric(f[3] ?? "")) continue;
    out.push({ name: f[0] ?? "", uid: Number(f[2]), gid: Number(f[3]), home: f[5] ?? "", shell: f[6] ?? "" });
  }
  return out;
}

export function parseGroup(text: string): GroupEntry[] {
  const out: GroupEntry[] = [];
  for (const line of text.split("\n")) {
    const t = line.trim();
    if (!t || t.startsWith("#")) continue;
    const f = t.split(":");
    if (f.length < 3 || !isNumeric(f[2] ?? "")) continue;
    const members = (f[3] ?? "").split(",").map((m) => m.trim()).filter(Boolean);
    out.push({ name: f[0] ?? "", gid: Number(f[2]), members });
  }
  return out;
}

/** Resolves `spec` against parsed passwd/group entries; throws InvalidArgument in runc's words. */
export function resolveUser(spec: string, passwd: PasswdEntry[], groups: GroupEntry[]): ExecUser {
  const [userPart = "", groupPart] = spec.split(":", 2) as [string | undefined, string | undefined];
  let uid = 0;
  let gid = 0;
  let home = "/";
  let userName = "";

  if (userPart === "") {
    const root = passwd.find((p) => p.uid === 0);
    if (root) ({ gid, home, name: userName } = root);
  } else if (isNumeric(userPart)) {
    uid = Number(userPart);
    if (uid > MAX_ID) throw invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);
    const entry = passwd.find((p) => p.uid === uid);
    if (entry) ({ gid, home, name: userName } = entry);
  } else {
    const entry = passwd.find((p) => p.name === userPart);
    if (!entry) throw invalidArgument(`unable to find user ${userPart}: no matching entries in passwd file`);
    ({ uid, gid, home, name: userName } = entry);
  }

  let additionalGids: number[] = [];
  if (groupPart !== undefined && groupPart !== "") {
    if (isNumeric(groupPart)) {
      gid = Number(groupPart);
      if (gid > MAX_ID) throw invalidArgument(`uids and gids must be in range 0-${MAX_ID}`);
    } else {
      const g = groups.find((e) => e.name === groupPart);
      if (!g) throw invalidArgument(`unable to find group ${groupPart}: no matching entries in group file`);
      gid = g.gid;
    }
  } else if (userName) {
    additionalGids = [...new Set(groups.filter((g) => g.members.includes(userName)).map((g) => g.gid))];
  }
  // like dockerd (since the fix for CVE-2022-36109): the primary group is also a supplementary one
  return { uid, gid, additionalGids: [...new Set([gid, ...additionalGids])], home: home || "/" };
}

/** Reads /etc/passwd and /etc/group inside `rootfs` (never following a link out of it) and resolves `spec`. */
export async function resolveUserInRootfs(rootfs: string, spec: string): Promise<ExecUser> {
  const [passwd, group] = await Promise.all([
    readFile(resolveInRoot(rootfs, "/etc/passwd"), "utf8").catch(() => ""),
    readFile(resolveInRoot(rootfs, "/etc/group"), "utf8").catch(() => ""),
  ]);
  return resolveUser(spec, parsePasswd(passwd), parseGroup(group));
}
