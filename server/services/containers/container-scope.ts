/**
 * The team check for one container, done by every procedure that names one (inspect, logs, stats, the lifecycle
 * actions, exec, log download): read the container, note it (and its team) for the audit row, then refuse unless the
 * caller's role in the container's team allows the action (../../auth/team-scope.ts decides).
 */
import type { ContainerInspectInfo } from "dockerode";
import type { AuditTarget } from "../../audit/record";
import type { Action, Role } from "../../auth/permissions";
import type { Principal } from "../../auth/principal";
import { effectiveRole, teamOf, type Standing } from "../../auth/team-scope";
import type { Db } from "../../db";
import { engineCall, type Engine } from "../../engine/client";
import { requireInScope, standingOf } from "../teams/standing";

export interface ScopedContainer {
  target: { kind: "container"; id: string; name: string };
  team: string | null;
  /** the caller's effective role on this container */
  role: Role;
  standing: Standing;
  info: ContainerInspectInfo;
}

/** Where a procedure keeps what its audit row names (ctx.audit). */
export interface AuditNoteSlot {
  target?: AuditTarget;
  team?: string | null;
}

export async function scopedContainer(target: Engine, db: Db, principal: Principal, id: string, action: Action, note: AuditNoteSlot): Promise<ScopedContainer> {
  note.target = { kind: "container", id, name: null }; // named as asked, should the engine not know it
  const info = await engineCall(target, (docker) => docker.getContainer(id).inspect());
  const name = info.Name.replace(/^\//, "");
  const team = teamOf(info.Config.Labels);
  note.target = { kind: "container", id: info.Id, name };
  note.team = team;
  const standing = await standingOf(db, principal);
  requireInScope(standing, action, team, `Container ${name}`);
  return { target: { kind: "container", id: info.Id, name }, team, role: effectiveRole(standing, team) ?? principal.role, standing, info };
}

