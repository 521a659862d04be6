/**
 * A principal's standing (global role and team roles, see ../../auth/team-scope.ts) read from the database, and the
 * checks built on it that need the database: the procedure check (is the action allowed anywhere?) and the check on
 * one resource's team.
 */
import { deniedMessage, isAllowed, isRole, type Action, type Role } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import { bestRole, scopeRefusal, type Standing } from "../../auth/team-scope";
import type { Db } from "../../db";
import { ServiceError } from "../errors";

export async function standingOf(db: Db, principal: Principal): Promise<Standing> {
  // Admins and the CLI see everything: no need to ask the database.
  if (principal.role === "admin" || principal.id === null) return { role: principal.role, teams: {} };
  const rows = await db.teamMember.findMany({ where: { userId: principal.id }, select: { role: true, team: { select: { name: true } } } });
  const teams: Record<string, Role> = {};
  for (const row of rows) if (isRole(row.role) && row.role !== "admin") teams[row.team.name] = row.role;
  return { role: principal.role, teams };
}

/** The procedure check: whether the principal holds, anywhere, a role the matrix allows `action` to. */
export async function allowedAnywhere(db: Db, principal: Principal, action: Action): Promise<boolean> {
  if (isAllowed(action, principal.role)) return true;
  return isAllowed(action, bestRole(await standingOf(db, principal)));
}

/** As the procedure check, for entry points that are not procedures (the terminal's WebSocket). */
export async function requireAnywhere(db: Db, principal: Principal, action: Action): Promise<void> {
  if (!(await allowedAnywhere(db, principal, action))) throw new ServiceError("PermissionDenied", deniedMessage(action, principal.role));
}

/** Refuses (PermissionDenied) unless the standing may perform `action` on a resource of `team`. */
export function requireInScope(standing: Standing, action: Action, team: string | null, what: string): void {
  const refusal = scopeRefusal(standing, action, team, what);
  if (refusal) throw new ServiceError("PermissionDenied", refusal);
}

/**
 * Who may create a resource (a container, a network) for `team` ("" for none): an admin for any existing team or
 * none; a team member for one of their teams where their role there allows `action`; someone in no team only without
 * one, by their global role. Team members must choose, so that what they create stays visible to them.
 */
export async function requireTeamForNew(db: Db, principal: Principal, team: string, action: Action): Promise<void> {
  const standing = await standingOf(db, principal);
  if (team && !(await db.team.findUnique({ where: { name: team }, select: { id: true } }))) {
    if (standing.role === "admin") throw new ServiceError("NotFound", `No team named ${team}.`);
    throw new ServiceError("PermissionDenied", `You are not a member of team ${team}.`);
  }
  if (standing.role === "admin") return;
  if (!team) {
    if (Object.keys(standing.teams).length > 0) throw new ServiceError("InvalidArgument", "Choose one of your teams.");
    return requireInScope(standing, action, null, "Something without a team");
  }
  if (!(team in standing.teams)) throw new ServiceError("PermissionDenied", `You are not a member of team ${team}.`);
  requireInScope(standing, action, team, `Team ${team}`);
}
