/**
 * Team scope: which of a person's roles counts for a resource, decided here and nowhere else (the rule is written
 * down in ./permissions.ts's doc comment). Pure, so that the browser (app/_lib/use-permission.ts) and the server
 * decide alike.
 *
 * Terms:
 * - **standing**: a person's global role (User.role) and their role in each team they belong to.
 * - **team of a resource**: the value of its `hako.team` label; null when it has none (unlabeled).
 * - **effective role**: the role that counts for acting on one resource; null when the resource is out of the
 *   person's scope (they may not even see it).
 */
import { deniedMessage, isAllowed, roles, type Action, type Role } from "./permissions";

/** The label that records, on a container created through the console, the team it belongs to. */
export const TEAM_LABEL = "hako.team";

/** The roles a team membership may carry; `admin` is global only. */
export const teamRoles = ["operator", "viewer"] as const satisfies readonly Role[];
export type TeamRole = (typeof teamRoles)[number];

export interface Standing {
  /** the global role */
  role: Role;
  /** team name → the person's role in it */
  teams: Readonly<Record<string, Role>>;
}

export function teamOf(labels: Readonly<Record<string, string>> | null | undefined): string | null {
  const team = labels?.[TEAM_LABEL];
  return team ? team : null;
}

function belongsToNoTeam(standing: Standing): boolean {
  return Object.keys(standing.teams).length === 0;
}

/** The role that counts on a resource of `team` (null: unlabeled), or null when it is outside the person's scope. */
export function effectiveRole(standing: Standing, team: string | null): Role | null {
  if (standing.role === "admin") return "admin";
  if (team === null) return belongsToNoTeam(standing) ? standing.role : null;
  return standing.teams[team] ?? null;
}

export function inScope(standing: Standing, team: string | null): boolean {
  return effectiveRole(standing, team) !== null;
}

/** The highest role held anywhere (global or in a team): what counts before any resource is known. */
export function bestRole(standing: Standing): Role {
  const held = [standing.role, ...Object.values(standing.teams)];
  return roles.find((role) => held.includes(role)) ?? standing.role;
}

/** The least role the matrix allows `action` to, for saying what would be needed. */
function leastRoleFor(action: Action): Role | undefined {
  return [...roles].reverse().find((role) => isAllowed(action, role));
}

/**
 * Why `standing` may not perform `action` on a resource of `team` (named `what`, e.g. "Container web-1"), or null
 * when it may. One wording for the server's refusal and the browser's tooltip.
 */
export function scopeRefusal(standing: Standing, action: Action, team: string | null, what = "This resource"): string | null {
  const role = effectiveRole(standing, team);
  if (role === null) {
    return team === null
      ? `${what} belongs to no team; only admins may use it once you are in a team.`
      : `${what} belongs to a team you are not a member of.`;
  }
  if (isAllowed(action, role)) return null;
  if (team === null || standing.role === "admin") return deniedMessage(action, role);
  const least = leastRoleFor(action);
  return `Permission ${action} requires ${least ?? "another role"} in team ${team}; you are ${role} there.`;
}
