/**
 * Teams and their members. A team is a name (recorded on its resources as the `hako.team` label) and a set of members,
 * each with a team role (operator or viewer). Admins manage them; everyone may list the teams they belong to.
 */
import { isRole, type Role } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import type { TeamRole } from "../../auth/team-scope";
import { isUniqueViolation, type Db } from "../../db";
import type { Engine } from "../../engine/client";
import { ServiceError } from "../errors";
import { requireNoTeamResources } from "./team-containers";

export interface TeamMemberView {
  userId: string;
  username: string;
  role: Role;
}

export interface TeamView {
  id: string;
  name: string;
  createdAt: Date;
  /** the caller's role in the team; null when they are not a member (an admin looking at every team) */
  myRole: Role | null;
  members: TeamMemberView[];
}

const withMembers = { members: { include: { user: { select: { username: true } } }, orderBy: { createdAt: "asc" } } } as const;

/** Every team for an admin; the caller's own teams for anyone else. */
export async function listTeams(db: Db, principal: Principal): Promise<TeamView[]> {
  const where = principal.role === "admin" ? {} : { members: { some: { userId: principal.id ?? "" } } };
  const rows = await db.team.findMany({ where, include: withMembers, orderBy: { name: "asc" } });
  return rows.map((team) => {
    const members = team.members.map((m) => ({ userId: m.userId, username: m.user.username, role: isRole(m.role) ? m.role : "viewer" }));
    return {
      id: team.id,
      name: team.name,
      createdAt: team.createdAt,
      myRole: members.find((m) => m.userId === principal.id)?.role ?? null,
      members,
    };
  });
}

async function teamById(db: Db, id: string): Promise<{ id: string; name: string }> {
  const team = await db.team.findUnique({ where: { id }, select: { id: true, name: true } });
  if (!team) throw new ServiceError("NotFound", "No such team; it may have been removed.");
  return team;
}

function takenName(name: string): ServiceError {
  return new ServiceError("Conflict", `A team named ${name} already exists.`);
}

export async function createTeam(db: Db, name: string): Promise<{ id: string; name: string }> {
  if (await db.team.findUnique({ where: { name } })) throw takenName(name);
  try {
    return await db.team.create({ data: { name }, select: { id: true, name: true } });
  } catch (err) {
    if (isUniqueViolation(err)) throw takenName(name);
    throw err;
  }
}

export async function renameTeam(db: Db, target: Engine, id: string, name: string): Promise<{ id: string; name: string; previous: string }> {
  const team = await teamById(db, id);
  if (team.name === name) return { ...team, previous: team.name };
  if (await db.team.findUnique({ where: { name } })) throw takenName(name);
  await requireNoTeamResources(target, team.name, "rename");
  try {
    await db.team.update({ where: { id }, data: { name } });
  } catch (err) {
    if (isUniqueViolation(err)) throw takenName(name);
    throw err;
  }
  return { id, name, previous: team.name };
}

export async function removeTeam(db: Db, target: Engine, id: string): Promise<{ id: string; name: string }> {
  const team = await teamById(db, id);
  await requireNoTeamResources(target, team.name, "remove");
  await db.team.delete({ where: { id } }); // memberships go with it (onDelete: Cascade)
  return team;
}

/** Adds the user to the team with `role`, or changes their role if they are a member already. */
export async function setMember(db: Db, teamId: string, username: string, role: TeamRole): Promise<{ team: string; userId: string; username: string; role: TeamRole }> {
  const team = await teamById(db, teamId);
  const user = await db.user.findUnique({ where: { username }, select: { id: true, username: true } });
  if (!user) throw new ServiceError("NotFound", `No user named ${username}.`);
  await db.teamMember.upsert({
    where: { teamId_userId: { teamId, userId: user.id } },
    create: { teamId, userId: user.id, role },
    update: { role },
  });
  return { team: team.name, userId: user.id, username: user.username, role };
}

export async function removeMember(db: Db, teamId: string, userId: string): Promise<{ team: string; username: string }> {
  const team = await teamById(db, teamId);
  const member = await db.teamMember.findUnique({ where: { teamId_userId: { teamId, userId } }, include: { user: { select: { username: true } } } });
  if (!member) throw new ServiceError("NotFound", `That user is not a member of team ${team.name}.`);
  await db.teamMember.delete({ where: { teamId_userId: { teamId, userId } } });
  return { team: team.name, username: member.user.username };
}
